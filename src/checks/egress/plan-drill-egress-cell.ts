import { isIP } from 'node:net';
import type { HostTarget } from '../../scenario/scenario.js';
import { egressAttempts } from './plan-egress-cell.js';
import type { DrillCell } from '../../plan/plan.js';
import { drillCellBase, type DrillSourcePlan } from '../../drill/drill-source-plan.js';

/** The internet list from one source, as one cell: egress is open if any entry answers. */
export function planDrillEgressCell(plan: DrillSourcePlan, internet: readonly HostTarget[]): void {
  const { source, step } = plan;
  // Zone names never leave the host: a network probe keeps an upstream that never answers, and an outside name is
  // looked up by a probe of its own beside it, as for a scenario (build-plan.ts). A service probe resolves as the
  // service does.
  const outside =
    source.placement.kind === 'network' && internet.some((t) => t.host.kind === 'external' && !isIP(t.host.host));
  const probe = outside ? plan.newProbe(`${source.key}#outside`) : plan.probe;
  const cell: DrillCell = {
    kind: 'egress',
    ...drillCellBase(plan, probe, 'internet', 'internet', []),
    target: undefined,
    attempts: egressAttempts(internet, probe, step),
  };
  plan.cells.push(cell);
}
