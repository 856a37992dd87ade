import { type CheckBudget, lookupShare } from '../../probes/agent/protocol.js';
import type { ContainerInfo } from '../docker/container-client.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import type { Step } from '../plan/checks.js';
import { ProbeBuilder } from '../plan/probe-builder.js';
import type { TopologyService } from '../topology/topology.js';
import type { DrillCell, ProbeSpec } from '../plan/plan.js';
import type { DrillPlan, DrillTried, UnprobedSource } from './drill-plan.js';
import type { DrillFrom } from './drill-from.js';
import { DrillNames } from './drill-names.js';
import type { DrillPlanOptions, DrillSeen, DrillSourcePlan } from './drill-source-plan.js';
import { type DrillSource, drillSources } from './drill-sources.js';
import { planDrillCells, type DrillTarget } from './plan-drill-cells.js';
import { projectOf, serviceOf } from '../topology/group-services.js';
import type { World } from '../topology/world.js';
import { sourceRoutes } from './source-routes.js';

/** One source's part of a drill: its probes and their cells. */
export interface DrillPart {
  probes: ProbeSpec[];
  cells: DrillCell[];
}

/**
 * A drill planned part by part: each source's part is planned when `parts[i]()` is called (the same part each time,
 * planned anew), so that a run holds the plans of the probes running and no others. The sizes, the refusal of a
 * probe over `maxChecks` and of a probe that would run too long come from planning every part once, up front.
 */
export interface PartedDrillPlan {
  runId: string;
  parts: (() => DrillPart)[];
  /** The probes of every part, counted. */
  probes: number;
  /** The probes that run on the engine's host (`--from lan`, the host): refused before anything runs where they cannot. */
  hostProbes: ProbeSpec[];
  unprobed: UnprobedSource[];
  tried: DrillTried;
}

/**
 * Everything reachable from the sources, as probes and cells: every running container in scope at each of its
 * addresses (on networks the source shares and on those it does not) on its exposed ports and `ports`; each service's
 * name through the source's DNS; the host at each gateway of the source's bridge networks, on the ports containers
 * publish there and on `ports`; the internet list. The probes are the pipeline's own (ProbeBuilder), with their DNS
 * and reach controls, so a "blocked" here is proven as a scenario's is. Every part planned, in one plan.
 */
export function planDrill(from: DrillFrom, world: World, options: DrillPlanOptions): DrillPlan {
  const parted = planDrillParts(from, world, options);
  const parts = parted.parts.map((part) => part());
  return {
    runId: parted.runId,
    probes: parts.flatMap((p) => p.probes),
    cells: parts.flatMap((p) => p.cells),
    unprobed: parted.unprobed,
    tried: parted.tried,
  };
}

/** The same drill as {@link planDrill}, each source's part planned when it is called for. */
export function planDrillParts(from: DrillFrom, world: World, options: DrillPlanOptions): PartedDrillPlan {
  const names = new DrillNames(world.topology);
  const { sources, unprobed } = drillSources(from, world, names, options.runId);
  const step: Step = { timeoutMs: options.timeoutMs, retries: options.retries };
  const running = world.containers.filter((c) => c.running);
  const seen: DrillSeen = {
    containers: new Set(),
    addresses: new Set(),
    names: new Set(),
    gateways: new Set(),
    published: new Set(),
    noAddress: new Set(),
  };
  // A source's probes are numbered after those of the sources before it: the first pass counts them.
  const planPart = (
    source: DrillSource,
    firstProbe: number,
    budget: CheckBudget,
  ): { part: DrillPart; builders: number } => {
    const probes: ProbeBuilder[] = [];
    const cells: DrillCell[] = [];
    const newProbe = (key: string) => {
      const probe = new ProbeBuilder(
        key,
        source.label,
        `dockprobe-${options.runId}-${firstProbe + probes.length + 1}`,
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
    return { part: { probes: probes.map((p) => p.build(options.timeoutMs, budget)), cells }, builders: probes.length };
  };

  // The run's lookups are shared among the probes that run at once (one per source), not among all of them.
  const budget: CheckBudget = {
    concurrency: options.concurrency,
    connectConcurrency: options.connectConcurrency,
    lookupConcurrency: lookupShare(
      options.lookupConcurrency,
      Math.min(options.probesAtOnce, sources.length),
      options.concurrency,
    ),
  };
  // Every part planned once, up front, for its size and its probes' numbers, and let go.
  const firstProbes: number[] = [];
  let count = 0;
  let checks = 0;
  let busiest: { label: string; checks: number } | undefined;
  const hostProbes: ProbeSpec[] = [];
  for (const source of sources) {
    firstProbes.push(count);
    const { part, builders } = planPart(source, count, budget);
    count += builders;
    for (const p of part.probes) {
      checks += p.plan.checks.length;
      if (!busiest || p.plan.checks.length > busiest.checks) busiest = { label: p.label, checks: p.plan.checks.length };
      if (p.placement.kind === 'host' || p.placement.kind === 'lan') hostProbes.push(p);
    }
  }
  if (busiest && busiest.checks > options.maxChecks) {
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `a drill from ${busiest.label} would make ${busiest.checks} checks, over --max-checks ${options.maxChecks}`,
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
    checksPerProbe: busiest?.checks ?? 0,
    checks,
  };
  return {
    runId: options.runId,
    parts: sources.map((source, i) => () => planPart(source, firstProbes[i]!, budget).part),
    probes: count,
    hostProbes,
    unprobed,
    tried,
  };
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
    if ((options.udpPorts ?? []).length > 0) targets.push({ kind: 'udp', to: { container, addresses } });
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
