import { isIP } from 'node:net';
import { nameCheck } from '../plan/checks.js';
import type { HostTarget } from '../scenario/scenario.js';
import type { DrillEgressCell } from './drill-cell.js';
import { drillCellBase, type DrillSourcePlan } from './drill-source-plan.js';

/** The internet list from one source, as one cell: egress is open if any entry answers. */
export function planEgressCells(plan: DrillSourcePlan, internet: readonly HostTarget[]): void {
  const { source, step } = plan;
  // Zone names never leave the host: a network probe keeps an upstream that never answers, and an outside name is
  // looked up by a probe of its own beside it, as for a scenario (build-plan.ts). A service probe resolves as the
  // service does.
  const outside =
    source.placement.kind === 'network' && internet.some((t) => t.host.kind === 'external' && !isIP(t.host.host));
  const probe = outside ? plan.newProbe(`${source.key}#outside`) : plan.probe;
  const cell: DrillEgressCell = { kind: 'egress', ...drillCellBase(plan, probe, 'internet', 'internet', []) };
  for (const target of internet) {
    const host = target.host.kind === 'external' ? target.host.host : '';
    cell.attempts.push({
      checkId: probe.add(nameCheck(target, host, [], step)),
      via: 'name',
      description: target.label,
      family: 4,
    });
    if (host && !isIP(host)) probe.needsUpstreamDns = true;
  }
  plan.cells.push(cell);
}
