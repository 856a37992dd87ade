#!/usr/bin/env node
import { writeSync } from 'node:fs';
import { precomputedOutput } from './precomputed-output.js';

// In the bundle, `--help`, `--version` and `schema` print what they printed when the bundle was built: loading the
// command line and running yargs (and zod, for the schema) takes 45 ms and more of each start, even from the
// code-cached bundle. `validate` of files with no option checks them without yargs (validate-files.ts). Every other
// command line, and every case the build did not compute, runs the full command line (run-cli.ts). No top-level
// await: in the bundle this is bin.cjs, CommonJS (scripts/bundle-cli.mjs).
const args = process.argv.slice(2);
// process.stdout is made for --help's width only: on a pipe it is a net.Socket, and making one loads node's stream
// and network modules, 3 ms of a start.
const precomputed = precomputedOutput(args, process.env, () => process.stdout.columns);
if (precomputed !== undefined) {
  print(precomputed);
} else if (args[0] === 'validate' && args.length > 1 && args.every((arg) => !arg.startsWith('-'))) {
  void validate(args.slice(1));
} else {
  void runFullCli();
}

/**
 * `validate FILE…`, no option: when every file is valid, the lines the full command line prints, without yargs and
 * from a bundle of the scenario parser alone (with yargs, the full command line spent about 75 ms above node's start
 * on `validate scenarios/reference.yml`; this, about 20). Anything else, every error included, goes to the full
 * command line, which validates the files again and reports as it always did.
 */
async function validate(files: string[]): Promise<void> {
  let text: string;
  try {
    const { validateFiles } = await import('./validate-files.js');
    text = validateFiles(files);
  } catch {
    return runFullCli();
  }
  print(text);
}

async function runFullCli(): Promise<void> {
  const { runCli } = await import('./run-cli.js');
  await runCli();
}

/** Writes to stdout without making process.stdout (see above), unless stdout cannot take it all at once. */
function print(text: string): void {
  const bytes = Buffer.from(text);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written);
  } catch {
    // Non-blocking (EAGAIN: whoever shares it set it so) or closed (EPIPE): the rest goes through process.stdout,
    // which waits, and, as console.log (yargs' way) does, a reader that stops early (`dockprobe --help | head -3`) is
    // no error.
    process.stdout.on('error', () => {});
    process.stdout.write(bytes.subarray(written));
  }
}
