import { CHECK_KINDS } from '../checks/check-kinds.js';
import type { Kind } from '../checks/cells.js';
import type { DrillSourcePlan } from './drill-source-plan.js';

type Kinds = typeof CHECK_KINDS;

/** The kinds a drill makes: those of the registry with a drill's planner (listed). */
type ListedKind = { [K in Kind]: Kinds[K] extends { listed: object } ? K : never }[Kind];

/** What a drill plans a kind's cells from, as its planner takes it. */
type ListedFrom<K extends ListedKind> = Kinds[K] extends {
  listed: { plan(plan: DrillSourcePlan, from: infer F): void };
}
  ? F
  : never;

/** One thing a source tries, by the kind of cell it makes, with what that kind plans it from. */
export type DrillTarget = { [K in ListedKind]: { kind: K } & ListedFrom<K> }[ListedKind];

/** Plans a target's cells and checks with its kind's planner. */
export function planDrillCells(plan: DrillSourcePlan, target: DrillTarget): void {
  // The target carries what its own kind plans from (DrillTarget), so that kind's planner takes it.
  const listed = CHECK_KINDS[target.kind].listed as { plan(plan: DrillSourcePlan, from: DrillTarget): void };
  listed.plan(plan, target);
}
