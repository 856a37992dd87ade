import { errorExitFamily, isDockprobeError } from '../errors/dockprobe-error.js';
import type { DrillResult } from '../drill/drill-result.js';
import type { NetworksReport } from '../networks/networks.js';
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

/**
 * The exit code of `dockprobe networks`: 1 when a stale network is left (with `--stale`) or a removal asked for was
 * refused (something holds the network: a finding, and, as for a run, it outranks 3); 3 when a removal failed for
 * another reason; 0 when nothing stale is left and every removal asked for was done (or declined at the question).
 */
export function exitCodeForNetworks(report: NetworksReport, listStale: boolean): number {
  const removed = new Set(
    report.removals.filter((r) => r.status === 'removed' || r.status === 'gone').map((r) => r.id),
  );
  const left = report.stale.filter((s) => !removed.has(s.id));
  if ((listStale && left.length > 0) || report.removals.some((r) => r.status.startsWith('refused')))
    return ExitCode.MISMATCH;
  if (report.removals.some((r) => r.status === 'failed')) return ExitCode.INCONCLUSIVE;
  return ExitCode.PASS;
}

/**
 * The exit code of `dockprobe drill`: it judges nothing, so 0 when it ran and told everything it tried; 3 when a row is
 * inconclusive, a source had nothing to probe from, or something it created could not be removed.
 */
export function exitCodeForDrill(result: DrillResult): number {
  if (result.summary.inconclusive > 0 || result.unprobed.length > 0 || result.cleanupFailures.length > 0)
    return ExitCode.INCONCLUSIVE;
  return ExitCode.PASS;
}
