import type { ContainerInfo } from '../docker/container-client.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import type { Step } from '../plan/checks.js';
import { ProbeBuilder } from '../plan/probe-builder.js';
import type { TopologyService } from '../topology/topology.js';
import type { DrillCell } from '../plan/plan.js';
import type { DrillPlan, DrillTried } from './drill-plan.js';
import type { DrillFrom } from './drill-from.js';
import { DrillNames } from './drill-names.js';
import type { DrillPlanOptions, DrillSeen, DrillSourcePlan } from './drill-source-plan.js';
import { drillSources } from './drill-sources.js';
import { planDrillCells, type DrillTarget } from './plan-drill-cells.js';
import { projectOf, serviceOf } from '../topology/group-services.js';
import type { World } from '../topology/world.js';
import { sourceRoutes } from './source-routes.js';

/**
 * Everything reachable from the sources, as probes and cells: every running container in scope at each of its
 * addresses (on networks the source shares and on those it does not) on its exposed ports and `ports`; each service's
 * name through the source's DNS; the host at each gateway of the source's bridge networks, on the ports containers
 * publish there and on `ports`; the internet list. The probes are the pipeline's own (ProbeBuilder), with their DNS
 * and reach controls, so a "blocked" here is proven as a scenario's is.
 */
export function planDrill(from: DrillFrom, world: World, options: DrillPlanOptions): DrillPlan {
  const names = new DrillNames(world.topology);
  const { sources, unprobed } = drillSources(from, world, names, options.runId);
  const step: Step = { timeoutMs: options.timeoutMs, retries: options.retries };
  const probes: ProbeBuilder[] = [];
  const cells: DrillCell[] = [];
  const running = world.containers.filter((c) => c.running);
  const seen: DrillSeen = {
    containers: new Set(),
    addresses: new Set(),
    names: new Set(),
    gateways: new Set(),
    published: new Set(),
    noAddress: new Set(),
  };

  for (const source of sources) {
    const newProbe = (key: string) => {
      const probe = new ProbeBuilder(
        key,
        source.label,
        `dockprobe-${options.runId}-${probes.length + 1}`,
        source.placement,
        source.networks,
        world.topology,
      );
      probes.push(probe);
      return probe;
    };
    const plan: DrillSourcePlan = {
      source,
      routes: sourceRoutes(source, world.topology, names),
      probe: newProbe(source.key),
      newProbe,
      world,
      running,
      names,
      options,
      step,
      cells,
      seen,
    };
    for (const target of drillTargets(plan)) planDrillCells(plan, target);
  }

  const built = probes.map((p) => p.build(options.timeoutMs, options.concurrency));
  const busiest = built.reduce(
    (max, p) => (p.plan.checks.length > (max?.plan.checks.length ?? -1) ? p : max),
    built[0],
  );
  if (busiest && busiest.plan.checks.length > options.maxChecks) {
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `a drill from ${busiest.label} would make ${busiest.plan.checks.length} checks, over --max-checks ${options.maxChecks}`,
      {
        hint: 'narrow it with --project (fewer containers) or --ports (fewer ports per address), or raise --max-checks',
      },
    );
  }
  const tried: DrillTried = {
    containers: seen.containers.size,
    addresses: seen.addresses.size,
    ports: [...options.ports],
    names: seen.names.size,
    gateways: seen.gateways.size,
    published: seen.published.size,
    internet: options.internet.length,
    noAddress: [...seen.noAddress].sort(),
    checksPerProbe: busiest?.plan.checks.length ?? 0,
    checks: built.reduce((sum, p) => sum + p.plan.checks.length, 0),
  };
  return { runId: options.runId, probes: built, cells, unprobed, tried };
}

// What one source tries, in the order its checks run: each other running container (its service's name first, then
// its addresses: names spread among the address checks keep the DNS queries in flight at once few, and a few hundred
// at once once lost answers in the embedded DNS), then the host, then egress.
function drillTargets(plan: DrillSourcePlan): DrillTarget[] {
  const { source, routes, probe, world, options } = plan;
  const targets: DrillTarget[] = [];
  const named = new Set<string>();
  for (const container of plan.running) {
    if (container.id === source.self?.id) continue;
    const addresses = routes.addresses(container);
    if (addresses.length === 0) {
      plan.seen.noAddress.add(`${container.name} (network_mode ${container.networkMode})`);
      continue;
    }
    // Each service's name once, never the source's own, and only where the embedded DNS serves the probe.
    const service = serviceTo(container, world);
    if (
      service &&
      service !== source.service &&
      probe.embeddedDns &&
      !named.has(`${service.project}/${service.name}`)
    ) {
      named.add(`${service.project}/${service.name}`);
      targets.push({ kind: 'name', service });
    }
    targets.push({ kind: 'port', to: { kind: 'container', container, addresses } });
  }
  for (const at of routes.host) targets.push({ kind: 'port', to: { kind: 'host', at } });
  if (options.internet.length > 0 && routes.egress) targets.push({ kind: 'egress', internet: options.internet });
  return targets;
}

/** The service in scope a container runs for, if any. */
function serviceTo(container: ContainerInfo, world: World): TopologyService | undefined {
  const project = projectOf(container);
  const name = serviceOf(container);
  return world.topology.services.find((s) => s.project === project && s.name === name);
}
