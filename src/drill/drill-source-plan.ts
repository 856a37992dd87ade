import type { ContainerInfo } from '../docker/container-client.js';
import type { Step } from '../plan/checks.js';
import type { ProbeBuilder } from '../plan/probe-builder.js';
import type { DrillCell } from '../plan/plan.js';
import type { DrillNames } from './drill-names.js';
import type { DrillSource } from './drill-sources.js';
import type { HostTarget } from '../scenario/scenario.js';
import type { World } from '../topology/world.js';
import type { SourceRoutes } from './source-routes.js';

/** The knobs of a drill's plan; each is printed with the result. */
export interface DrillPlanOptions {
  runId: string;
  /** Tried at every address besides the container's exposed ports, and at the host's gateways (with `hostPorts`). */
  ports: readonly number[];
  /** UDP ports tried at every container address (`--udp-ports`), each with reference ports; empty: no UDP. */
  udpPorts?: readonly number[] | undefined;
  /** Whether the host is tried at each source network's gateway on `ports` (its published ports are tried always). */
  hostPorts: boolean;
  /** What egress is tried against; empty: not tried. */
  internet: readonly HostTarget[];
  timeoutMs: number;
  /** Further tries of a check that got no answer; 0: each check is tried once. */
  retries: number;
  /** Checks each probe has in flight besides its connects by address. */
  concurrency: number;
  /** Connects by address each probe has in flight. */
  connectConcurrency: number;
  /** DNS queries in flight across the probes running at once, shared out among them. */
  lookupConcurrency: number;
  /** Probes running at once: those that share the run's lookups. */
  probesAtOnce: number;
  /** The most checks one probe may have: a larger drill is refused before anything runs. */
  maxChecks: number;
}

/** What the drill has tried so far, across sources, for its header (DrillTried): sets, so a target counts once. */
export interface DrillSeen {
  containers: Set<string>;
  addresses: Set<string>;
  names: Set<string>;
  gateways: Set<string>;
  published: Set<string>;
  noAddress: Set<string>;
}

/**
 * One source's part of a drill while it is planned: what each cell kind's planner reads, and where it adds its cells.
 * The checks run in the order they are added to the probe, so the planners are called in the order the cells list.
 */
export interface DrillSourcePlan {
  source: DrillSource;
  routes: SourceRoutes;
  /** The source's probe; a planner may add another beside it with `newProbe`. */
  probe: ProbeBuilder;
  newProbe(key: string): ProbeBuilder;
  world: World;
  /** The running containers in scope, the source's own among them. */
  running: readonly ContainerInfo[];
  names: DrillNames;
  options: DrillPlanOptions;
  step: Step;
  cells: DrillCell[];
  seen: DrillSeen;
}

/**
 * What every cell tried from `probe` has: its id, its probe, no expectation, the target by names only and what it
 * belongs to, and the containers it rests on (the joined one first).
 */
export function drillCellBase(
  plan: DrillSourcePlan,
  probe: ProbeBuilder,
  target: string,
  endpoint: string,
  touches: readonly string[],
) {
  return {
    id: `${probe.key}/${target}`,
    expectation: undefined,
    targetLabel: target,
    endpoint,
    probeKey: probe.key,
    source: probe.label,
    attempts: [],
    touches: [...(plan.source.self ? [plan.source.self.id] : []), ...touches],
    precondition: undefined,
  };
}
