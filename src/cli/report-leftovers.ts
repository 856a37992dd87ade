import type { CliContext } from './cli-context.js';

/**
 * What a run could not remove, on stderr whatever the report's format or mode (a JSON report, a drift against a
 * baseline): each leftover named, then the one command that removes them all. stdout must never be the only place a
 * leftover shows, and a leftover without its removal command is left for the user to find.
 */
export function reportLeftovers(
  context: CliContext,
  result: { runId: string; cleanupFailures: readonly string[] },
): void {
  if (result.cleanupFailures.length === 0) return;
  for (const f of result.cleanupFailures) context.stderr.write(`dockprobe: cleanup step failed: ${f}\n`);
  context.stderr.write(`dockprobe: remove what is left with: dockprobe cleanup --run ${result.runId}\n`);
}
