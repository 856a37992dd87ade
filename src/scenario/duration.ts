/** The duration syntax accepted in scenario files and on the command line: 500ms, 1s, 1.5s, 2m. */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m)$/;

/**
 * The durations accepted, in milliseconds. Below 1 ms a timeout would round to nothing and every check would "time
 * out" (a false finding); above 10 minutes no check is meant to wait, and Node's timers overflow far beyond.
 */
export const DURATION_MIN_MS = 1;
export const DURATION_MAX_MS = 10 * 60_000;

/** A short description of the syntax, for hints. */
export const DURATION_HINT = 'write a number and a unit, from 1ms to 10m: 500ms, 2s, 1m';

/** Parses a duration to whole milliseconds; undefined when the text is not one or lies outside 1 ms to 10 min. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const ms = Math.round(match[2] === 'ms' ? value : match[2] === 's' ? value * 1000 : value * 60_000);
  return ms >= DURATION_MIN_MS && ms <= DURATION_MAX_MS ? ms : undefined;
}

/** Formats milliseconds as the shortest readable duration (for reports). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))}s`;
  // Only a planned probe's whole run reaches hours (a duration given is at most 10m).
  if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))}m`;
  return `${Number((ms / 3_600_000).toFixed(1))}h`;
}
