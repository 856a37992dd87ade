import { errorExitFamily, isDockprobeError } from '../errors/dockprobe-error.js';
import type { RunResult } from '../run-result.js';

/** The exit codes, one meaning each. */
export const ExitCode = {
  /** Every check passed. */
  PASS: 0,
  /** At least one mismatch: a proven finding. */
  MISMATCH: 1,
  /** Usage or scenario error: fix the input. */
  USAGE: 2,
  /** Inconclusive checks, or an infrastructure error (daemon unreachable, probe did not start). */
  INCONCLUSIVE: 3,
  /** Interrupted by Ctrl-C (128 + SIGINT) or SIGTERM (128 + 15), after cleanup. */
  SIGINT: 130,
  SIGTERM: 143,
} as const;

/**
 * The exit code of a run. A mismatch (1) outranks inconclusive cells (3): a proven breach is the more important news,
 * and both are non-zero for a CI gate.
 */
export function exitCodeForResult(result: RunResult): number {
  if (result.summary.fail > 0) return ExitCode.MISMATCH;
  if (result.summary.inconclusive > 0 || result.cleanupFailures.length > 0) return ExitCode.INCONCLUSIVE;
  return ExitCode.PASS;
}

/** The exit code of an error: 2 for the user's input, 3 for everything else. */
export function exitCodeForError(error: unknown): number {
  return isDockprobeError(error) ? errorExitFamily(error.code) : ExitCode.INCONCLUSIVE;
}
