import type { Argv } from 'yargs';

/** The exit codes of the commands that judge (`test`, `demo`), and the footer of the top-level help. */
export const EXIT_CODES =
  'Exit codes: 0 all pass, 1 a mismatch, 2 usage or scenario error, 3 inconclusive or infrastructure error.';

/**
 * A command's help: two or three examples, each a command line and what it does, and its exit codes as a footer.
 * `$0` is `dockprobe`.
 */
export function withHelp<T>(yargs: Argv<T>, examples: readonly [string, string][], exitCodes: string): Argv<T> {
  return yargs.example([...examples]).epilogue(exitCodes);
}
