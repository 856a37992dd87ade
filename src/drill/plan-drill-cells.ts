import type { HostTarget } from '../scenario/scenario.js';
import type { TopologyService } from '../topology/topology.js';
import type { DrillCell } from '../plan/plan.js';
import type { DrillSourcePlan } from './drill-source-plan.js';
import { planEgressCells } from '../checks/egress/plan-drill-egress-cell.js';
import { planNameCells } from '../checks/name/plan-name-cells.js';
import { planPortCells, type PortTarget } from '../checks/port/plan-port-cells.js';

/** What each kind of drill cell is planned from. */
interface DrillTargetOf {
  port: { to: PortTarget };
  name: { service: TopologyService };
  egress: { internet: readonly HostTarget[] };
}

/**
 * One thing a source tries, by the kind of cell it makes. Keyed by DrillCell's kinds: a kind added there without its
 * entry in DrillTargetOf does not compile, nor without its planner below.
 */
export type DrillTarget = { [K in DrillCell['kind']]: { kind: K } & DrillTargetOf[K] }[DrillCell['kind']];

/** Plans a target's cells and checks with its kind's planner. */
export function planDrillCells(plan: DrillSourcePlan, target: DrillTarget): void {
  switch (target.kind) {
    case 'port':
      planPortCells(plan, target.to);
      return;
    case 'name':
      planNameCells(plan, target.service);
      return;
    case 'egress':
      planEgressCells(plan, target.internet);
      return;
    default: {
      const never: never = target;
      throw new Error(`no planner for drill cell kind ${(never as DrillTarget).kind}`);
    }
  }
}
