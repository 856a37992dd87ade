#!/usr/bin/env node
import { precomputedOutput } from './precomputed-output.js';

// In the bundle, `--help`, `--version` and `schema` print what they printed when the bundle was built: loading the
// command line and running yargs (and zod, for the schema) takes 45 ms and more of each start, even from the
// code-cached bundle. Every other command line, and every case the build did not compute, runs as before.
const precomputed = precomputedOutput(process.argv.slice(2), process.env, process.stdout.columns);
if (precomputed !== undefined) {
  // As console.log (yargs' way) does: a reader that stops early (`dockprobe --help | head -3`) is no error.
  process.stdout.on('error', () => {});
  process.stdout.write(precomputed);
} else {
  const { runCli } = await import('./run-cli.js');
  await runCli();
}
