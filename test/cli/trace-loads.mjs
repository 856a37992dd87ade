// Loaded with `node --import`: registers itself as a module hook that names, on stderr, every file module loaded,
// and at exit every CommonJS module that require() loaded (which no module hook sees in node 20).
// test/cli/cli.test.ts and bundle.test.ts read those lines to prove a command loads only what it needs.
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

export async function load(url, context, next) {
  if (url.startsWith('file:')) process.stderr.write(`dockprobe-test-loaded ${url}\n`);
  return next(url, context);
}

if (isMainThread) {
  register(import.meta.url);
  const required = createRequire(import.meta.url).cache;
  process.once('exit', () => {
    for (const file of Object.keys(required))
      process.stderr.write(`dockprobe-test-loaded ${pathToFileURL(file).href}\n`);
  });
}
