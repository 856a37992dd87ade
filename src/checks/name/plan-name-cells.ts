import { nameCheck } from '../../plan/checks.js';
import { runningContainers, subnetsOf, type TopologyService } from '../../topology/topology.js';
import { drillCellBase, type DrillSourcePlan } from '../../drill/drill-source-plan.js';

/** The cell of a service's name, looked up through the source's DNS: whether it resolves there to the service's addresses. */
export function planNameCells(plan: DrillSourcePlan, service: TopologyService): void {
  const { probe, names, world, step } = plan;
  const label = names.service(service.project, service.name);
  const running = runningContainers(service);
  const checkId = probe.add(nameCheck({ kind: 'dns' }, service.name, subnetsOf(world.topology, running), step));
  plan.cells.push({
    kind: 'name',
    ...drillCellBase(
      plan,
      probe,
      `dns:${label}`,
      label,
      running.map((c) => c.id),
    ),
    name: service.name,
    ...(probe.unknownNamesForwarded ? { namesForwarded: probe.unknownNamesForwarded } : {}),
    attempts: [{ checkId, via: 'name', description: `${service.name} by name`, family: 4 }],
  });
  plan.seen.names.add(label);
}
