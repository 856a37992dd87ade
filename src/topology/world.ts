import type { ContainerInfo } from '../docker/container-client.js';
import type { Engine } from '../docker/engine.js';
import { COMPOSE_VERSION, isProbeHelper } from '../docker/labels.js';
import { UnknownNameError } from '../errors/unknown-name-error.js';
import type { Scenario } from '../scenario/scenario.js';
import { type EngineReads, resolveTopology, topologyNetwork } from './resolve-topology.js';
import { groupServices, projectOf } from './group-services.js';
import type { Topology } from './topology.js';

/**
 * What a run reads of the engine: a scenario's projects (`scenarios`: the projects its files name, each name in them
 * checked), or everything on the engine, narrowed to some projects if asked (`engine`: a drill's, which looks at what
 * is there, containers run by hand included).
 */
export type WorldScope =
  | { kind: 'scenarios'; scenarios: readonly Scenario[] }
  | { kind: 'engine'; projects: readonly string[] | undefined };

/**
 * What runs, read once per run: the one model every stage after it reads. Its views: `topology` (networks, services
 * and their containers, a swarm's tasks) is what planning and the window's re-read use; `containers` is every
 * container in scope, those no project names included (a drill's targets). `readAtMs` starts the window the
 * judgements speak for.
 */
export interface World {
  /** How it was read, and so how it is re-read for the run's window: by project, or every container of the engine. */
  scope: WorldScope['kind'];
  topology: Topology;
  /** Every container in scope, running or not, dockprobe's own probes and control peers left out. */
  containers: ContainerInfo[];
  /** When the read began (ms since the epoch): what happened from then on is the run's window. */
  readAtMs: number;
}

/** The reads of a world begun before its scope is known, and when they began: the start of the run's window. */
export interface BegunWorldRead extends EngineReads {
  readAtMs: number;
}

/**
 * Begins the reads of the world that need no scenario (the engine's description, its networks), so that they run
 * while the scenarios are loaded; readWorld finishes them. Their failures are held until readWorld awaits them: a
 * scenario that does not load is said first, whatever the engine answered.
 */
export function beginWorldRead(runtime: Pick<Engine, 'system' | 'networks'>): BegunWorldRead {
  const readAtMs = Date.now();
  const engine = runtime.system.info();
  const networks = runtime.networks.list();
  for (const read of [engine, networks]) read.catch(() => undefined);
  return { readAtMs, engine, networks };
}

/**
 * Reads the world a run rests on (see {@link WorldScope}), finishing `begun` when given. Its window starts when the
 * first of its reads began.
 */
export async function readWorld(runtime: Engine, scope: WorldScope, begun?: BegunWorldRead): Promise<World> {
  const readAtMs = begun?.readAtMs ?? Date.now();
  if (scope.kind === 'scenarios') {
    const topology = await resolveTopology(scope.scenarios, runtime, begun);
    return { scope: 'scenarios', topology, containers: topology.services.flatMap((s) => s.containers), readAtMs };
  }
  return { scope: 'engine', ...(await readEngine(runtime, scope.projects, begun)), readAtMs };
}

/** A world already read, as tests and callers that hold a topology give it: scoped by project. */
export function worldOf(topology: Topology, readAtMs = 0): World {
  return { scope: 'scenarios', topology, containers: topology.services.flatMap((s) => s.containers), readAtMs };
}

/**
 * Every network and container of the engine, dockprobe's own probes and control peers left out. `projects` narrows it to those Compose
 * projects or stacks; each must exist, or the message lists those that do. Nothing is read by project label alone:
 * a drill looks at what is there.
 */
async function readEngine(
  runtime: Engine,
  projects: readonly string[] | undefined,
  begun: EngineReads | undefined,
): Promise<{ topology: Topology; containers: ContainerInfo[] }> {
  const [engine, networks, all] = await Promise.all([
    begun?.engine ?? runtime.system.info(),
    begun?.networks ?? runtime.networks.list(),
    runtime.containers.list({ all: true }),
  ]);
  const mine = all.filter((c) => !isProbeHelper(c.labels));
  const topologyNetworks = networks.map(topologyNetwork);
  if (projects) {
    const existing = [
      ...new Set(
        [...mine.map(projectOf), ...topologyNetworks.map((n) => n.project)].filter((p): p is string => p !== undefined),
      ),
    ].sort();
    for (const p of projects)
      if (!existing.includes(p))
        throw new UnknownNameError(
          'project',
          p,
          existing,
          '(no container or network carries its Compose or stack label)',
        );
  }
  const containers = projects ? mine.filter((c) => projects.includes(projectOf(c) ?? '')) : mine;
  const services = groupServices(containers).sort(
    (a, b) => a.project.localeCompare(b.project) || a.name.localeCompare(b.name),
  );
  const inScope = projects ? [...projects] : [...new Set(services.map((s) => s.project))].sort();
  const composeVersions = [
    ...new Set(containers.map((c) => c.labels[COMPOSE_VERSION]).filter((v): v is string => Boolean(v))),
  ].sort();
  return { topology: { engine, projects: inScope, networks: topologyNetworks, services, composeVersions }, containers };
}
