import type { PathState } from '../checks/code-table.js';
import { CODE_TABLE } from '../checks/verdict-codes.js';
import type { VerdictCode } from '../judge/verdict.js';

export type { PathState };

/**
 * The state of the path a verdict with this code saw: what a baseline keeps, not pass or fail (the same path is a
 * pass under one expectation and a FAIL under the other). Every code declares it beside its meaning, in its kind's
 * table (checks/<kind>/<kind>-cell.ts) or a shared one (checks/shared-codes.ts): a code without it does not compile.
 */
export function pathState(code: VerdictCode): PathState {
  return CODE_TABLE[code].path;
}
