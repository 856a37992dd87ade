import type { Engine } from '../docker/engine.js';
import type { NetworkInfo } from '../docker/network-client.js';
import type { EngineInfo } from '../docker/system-client.js';
import { COMPOSE_NETWORK, COMPOSE_PROJECT, COMPOSE_VERSION, STACK_NAMESPACE, labelFilter } from '../docker/labels.js';
import { UnknownNameError } from '../errors/unknown-name-error.js';
import type { Scenario } from '../scenario/scenario.js';
import { groupServices } from './group-services.js';
import { readStacks, type StackRead } from './read-stacks.js';
import { resolveNames } from './resolve-names.js';
import { stackShortName } from './stack-short-name.js';
import { swarmPlumbing, type Topology, type TopologyNetwork } from './topology.js';

/** Reads of the engine that need no scenario, begun before the scenarios were known (world.ts: beginWorldRead). */
export interface EngineReads {
  engine: Promise<EngineInfo>;
  networks: Promise<NetworkInfo[]>;
}

/**
 * Reads what is deployed for the projects the scenario names, and checks that every network and service the scenario
 * names exists; an unknown name lists what does. A project is a Compose project (Compose's labels, the same in v1
 * and v2) or, on an engine in a swarm, a stack (`com.docker.stack.namespace`), or both. The engine's description,
 * its networks and the projects' containers are read at once (`begun`: the first two already asked for); an engine
 * that fails says so by the first of them that failed, in that order.
 */
export async function resolveTopology(
  scenarios: readonly Scenario[],
  runtime: Pick<Engine, 'system' | 'networks' | 'containers' | 'swarm'>,
  begun?: EngineReads,
): Promise<Topology> {
  const projects = referencedProjects(scenarios);
  const [engine, allNetworks, projectContainers] = await allInOrder(
    begun?.engine ?? runtime.system.info(),
    begun?.networks ?? runtime.networks.list(),
    Promise.all(projects.map((p) => runtime.containers.list({ all: true, labels: [labelFilter(COMPOSE_PROJECT, p)] }))),
  );
  const networks: TopologyNetwork[] = allNetworks.map(topologyNetwork);
  // Stacks exist only in a swarm: outside one, nothing more is asked of the engine than Compose needs.
  const stacks = engine.swarm
    ? await readStacks(
        runtime,
        engine,
        projects,
        new Set(networks.filter((n) => n.labels[STACK_NAMESPACE]).map((n) => n.project!)),
      )
    : undefined;

  for (const [i, project] of projects.entries()) {
    const hasContainers = (projectContainers[i] ?? []).length > 0;
    const hasNetworks = networks.some((n) => n.project === project && n.labels[COMPOSE_PROJECT] !== undefined);
    if (!hasContainers && !hasNetworks && !stacks?.stacks.includes(project)) {
      const why = stacks
        ? '(no container, network or service carries its Compose label or its stack label)'
        : '(no container or network carries its Compose label)';
      throw new UnknownNameError('project', project, await existingProjects(runtime, allNetworks, stacks), why);
    }
  }
  if (stacks) markJoined(networks, stacks);

  const services = [
    ...projects.flatMap((_, i) => groupServices(projectContainers[i] ?? [])),
    ...(stacks?.services ?? []),
  ];
  const composeVersions = [
    ...new Set(
      projectContainers
        .flat()
        .map((c) => c.labels[COMPOSE_VERSION])
        .filter((v): v is string => Boolean(v)),
    ),
  ].sort();
  const topology: Topology = {
    engine,
    projects,
    networks,
    services,
    composeVersions,
    ...(stacks ? { stacks: stacks.stacks, swarm: stacks.swarm } : {}),
  };
  for (const scenario of scenarios) resolveNames(scenario, topology);
  return topology;
}

/**
 * A network with the names it goes by: a Compose network by its Compose labels; a stack's network (no Compose label,
 * the stack's) by its name without the `<stack>_` prefix.
 */
export function topologyNetwork(n: NetworkInfo): TopologyNetwork {
  const compose = n.labels[COMPOSE_PROJECT];
  const stack = n.labels[STACK_NAMESPACE];
  if (compose === undefined && stack !== undefined)
    return { ...n, project: stack, composeName: stackShortName(stack, n.name) };
  return { ...n, project: compose, composeName: n.labels[COMPOSE_NETWORK] };
}

// A network a stack's services join although another stack (or nobody) made it: `external: true` in its stack file.
// It stays one network (one id), found by its short name from either stack.
function markJoined(networks: TopologyNetwork[], stacks: StackRead): void {
  for (const [stack, use] of stacks.networkUse) {
    for (const n of networks) {
      if (n.project === stack || swarmPlumbing(n) || !(use.has(n.id) || use.has(n.name))) continue;
      n.joinedBy = [...(n.joinedBy ?? []), stack];
    }
  }
}

// Every read's answer once all have settled; the first failure in the order given otherwise, so that which error a
// failing engine gives does not depend on which call it answered first.
async function allInOrder<A, B, C>(a: Promise<A>, b: Promise<B>, c: Promise<C>): Promise<[A, B, C]> {
  const settled = await Promise.allSettled([a, b, c]);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return [
    (settled[0] as PromiseFulfilledResult<A>).value,
    (settled[1] as PromiseFulfilledResult<B>).value,
    (settled[2] as PromiseFulfilledResult<C>).value,
  ];
}

function referencedProjects(scenarios: readonly Scenario[]): string[] {
  const projects = new Set<string>();
  for (const scenario of scenarios) for (const p of scenario.projects) projects.add(p);
  for (const scenario of scenarios) if (scenario.traefik?.project) projects.add(scenario.traefik.project);
  for (const e of scenarios.flatMap((s) => s.expectations)) {
    if ((e.from.kind === 'network' || e.from.kind === 'service') && e.from.project) projects.add(e.from.project);
    for (const t of e.to)
      if (t.kind !== 'internet' && t.host.kind === 'service' && t.host.project) projects.add(t.host.project);
  }
  return [...projects];
}

async function existingProjects(
  runtime: Pick<Engine, 'containers' | 'swarm'>,
  networks: NetworkInfo[],
  stacks: StackRead | undefined,
): Promise<string[]> {
  const [containers, stackContainers, services] = await Promise.all([
    runtime.containers.list({ all: true, labels: [COMPOSE_PROJECT] }),
    stacks ? runtime.containers.list({ all: true, labels: [STACK_NAMESPACE] }) : Promise.resolve([]),
    stacks?.swarm.manager ? runtime.swarm.listServices() : Promise.resolve([]),
  ]);
  const names = new Set<string>();
  for (const c of containers) if (c.labels[COMPOSE_PROJECT]) names.add(c.labels[COMPOSE_PROJECT]);
  for (const n of networks) if (n.labels[COMPOSE_PROJECT]) names.add(n.labels[COMPOSE_PROJECT]);
  for (const c of stackContainers) if (c.labels[STACK_NAMESPACE]) names.add(c.labels[STACK_NAMESPACE]);
  if (stacks) for (const n of networks) if (n.labels[STACK_NAMESPACE]) names.add(n.labels[STACK_NAMESPACE]);
  for (const s of services) if (s.stack) names.add(s.stack);
  return [...names].sort();
}
