import type { CommandRun } from './fault.js';

/** `exit 0 in 1234 ms`, `timed out after …`, `ended by SIGKILL …`, with the command. */
export function describeRun(run: CommandRun): string {
  const how = run.timedOut
    ? `timed out after ${run.durationMs} ms`
    : run.exitCode !== undefined
      ? `exit ${run.exitCode} in ${run.durationMs} ms`
      : `ended by ${run.signal ?? 'a signal'} after ${run.durationMs} ms`;
  return `\`${run.command}\`: ${how}`;
}
