import type { DrillResult } from '../drill/drill-result.js';
import { baselineFrom, type Baseline } from './baseline.js';
import { pathState } from './path-state.js';

/**
 * A baseline of a drill: every row a path, keyed by names as the drill names them (`service proxy` →
 * `postgres:5432 on internal-backend`), never by addresses, so the same deployment drilled again gives the same keys
 * and digest. A row's code is a verdict code of the same meaning, so its state (open, closed, unknown) is the one a
 * scenario's verdict of that code has: `path-open` is open (the host answered), as in a scenario's baseline.
 */
export function baselineOfDrill(result: DrillResult): Baseline {
  const paths = result.rows.map((row) => ({
    source: row.source,
    target: row.target,
    state: pathState(row.code),
    code: row.code,
    evidence: { observed: row.reason, latencyMs: row.evidence?.latencyMs },
  }));
  return baselineFrom(paths, { ...result, scenarios: [`drill from ${result.from}`] });
}
