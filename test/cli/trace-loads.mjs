// Loaded with `node --import`: registers itself as a module hook that names, on stderr, every file module loaded.
// test/cli/cli.test.ts reads those lines to prove a command loads only what it needs.
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

export async function load(url, context, next) {
  if (url.startsWith('file:')) process.stderr.write(`dockprobe-test-loaded ${url}\n`);
  return next(url, context);
}

if (isMainThread) register(import.meta.url);
