/** The duration syntax accepted in scenario files and on the command line: 500ms, 1s, 1.5s, 2m. */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m)$/;

/** A short description of the syntax, for hints. */
export const DURATION_HINT = 'write a number and a unit: 500ms, 2s, 1m';

/** Parses a duration to milliseconds; undefined when the text is not one or is zero. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const ms = match[2] === 'ms' ? value : match[2] === 's' ? value * 1000 : value * 60_000;
  return ms > 0 ? Math.round(ms) : undefined;
}

/** Formats milliseconds as the shortest readable duration (for reports). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))}s`;
  return `${Number((ms / 60_000).toFixed(1))}m`;
}
