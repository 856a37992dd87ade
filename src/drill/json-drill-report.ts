import { envelope, jsonText } from '../report/json-envelope.js';
import type { DrillResult } from './drill-result.js';

/** `drill --format json`: the whole drill result, as a `dockprobe-drill` document. */
export function jsonDrillReport(result: DrillResult): string {
  return jsonText(envelope('dockprobe-drill', result));
}
