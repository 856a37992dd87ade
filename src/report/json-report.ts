import type { RunResult } from '../run-result.js';
import { envelope, jsonText } from './json-envelope.js';

/** The machine-readable report: the whole run result, as a `dockprobe-report` document. */
export function jsonReport(result: RunResult): string {
  return jsonText(envelope('dockprobe-report', result));
}
