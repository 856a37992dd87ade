import type { InternetTarget } from '../../scenario/scenario.js';
import type { CellBase } from '../cell-base.js';
import type { CodeTable } from '../code-table.js';

/** Egress: a probe trying the internet list; reached if any entry answers. A drill's has no expectation. */
export interface EgressCell extends CellBase {
  kind: 'egress';
  /** The scenario's internet target; undefined in a drill, which tries its own list. */
  target: InternetTarget | undefined;
  /** In a drill: `internet`, its matrix column. */
  endpoint?: string;
}

/** The codes a egress cell gives of its own (beside the shared ones: checks/shared-codes.ts). */
export const EGRESS_CODES = {
  'egress-open': { path: 'open', meaning: 'an internet target answered: egress is open' },
  'no-egress': { path: 'closed', meaning: 'no internet target answered (or there is no default route): no egress' },
} as const satisfies CodeTable;

/** A drill's egress cell: no expectation, and `internet` as what it belongs to. */
export type DrillEgressCell = EgressCell & { expectation: undefined; endpoint: string };
