import type { RunResult } from '../run-result.js';

/** The machine-readable report: the whole run result, with a format version for consumers. */
export function jsonReport(result: RunResult): string {
  return `${JSON.stringify({ format: 'dockprobe-report', formatVersion: 1, ...result }, null, 2)}\n`;
}
