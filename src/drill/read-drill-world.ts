import type { ContainerInfo } from '../docker/container-client.js';
import type { Engine } from '../docker/engine.js';
import {
  COMPOSE_ONEOFF,
  COMPOSE_PROJECT,
  COMPOSE_SERVICE,
  COMPOSE_VERSION,
  LABEL_ROLE,
  STACK_NAMESPACE,
  SWARM_SERVICE_NAME,
} from '../docker/labels.js';
import { UnknownNameError } from '../errors/unknown-name-error.js';
import { topologyNetwork } from '../topology/resolve-topology.js';
import { stackShortName } from '../topology/stack-short-name.js';
import type { Topology, TopologyService } from '../topology/topology.js';

/** Everything a drill may knock on, and the services it may probe from. */
export interface DrillWorld {
  /** Every network of the engine; the services in scope (Compose's, and a stack's containers on this node). */
  topology: Topology;
  /**
   * Every container in scope, running or not, that is not one of dockprobe's probes: Compose's, a stack's, and those
   * run by hand, which no scenario can name but an attacker can reach all the same.
   */
  containers: ContainerInfo[];
}

/** The project (Compose) or stack a container belongs to, if any. */
export function projectOf(container: ContainerInfo): string | undefined {
  return container.labels[COMPOSE_PROJECT] ?? container.labels[STACK_NAMESPACE];
}

/** The service a container runs for (Compose's service, a stack's without its prefix), if any. */
export function serviceOf(container: ContainerInfo): string | undefined {
  const compose = container.labels[COMPOSE_SERVICE];
  if (compose !== undefined) return container.labels[COMPOSE_ONEOFF] === 'True' ? undefined : compose;
  const stack = container.labels[STACK_NAMESPACE];
  const swarm = container.labels[SWARM_SERVICE_NAME];
  return stack !== undefined && swarm !== undefined ? stackShortName(stack, swarm) : undefined;
}

/**
 * Reads every network and container of the engine, dockprobe's own probes left out. `projects` narrows the drill to
 * those Compose projects or stacks (its sources and its targets); each must exist, or the message lists those that do.
 * Unlike a scenario run, nothing is read by project label alone: a drill looks at what is there.
 */
export async function readDrillWorld(runtime: Engine, projects: readonly string[] | undefined): Promise<DrillWorld> {
  const [engine, networks, all] = await Promise.all([
    runtime.system.info(),
    runtime.networks.list(),
    runtime.containers.list({ all: true }),
  ]);
  const mine = all.filter((c) => c.labels[LABEL_ROLE] !== 'probe');
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
  const byService = new Map<string, TopologyService>();
  for (const c of containers) {
    const project = projectOf(c);
    const name = serviceOf(c);
    if (project === undefined || name === undefined) continue;
    const key = `${project}/${name}`;
    const service = byService.get(key) ?? { project, name, containers: [] };
    service.containers.push(c);
    byService.set(key, service);
  }
  const services = [...byService.values()].sort(
    (a, b) => a.project.localeCompare(b.project) || a.name.localeCompare(b.name),
  );
  for (const s of services) s.containers.sort((a, b) => a.name.localeCompare(b.name));
  const inScope = projects ? [...projects] : [...new Set(services.map((s) => s.project))].sort();
  const composeVersions = [
    ...new Set(containers.map((c) => c.labels[COMPOSE_VERSION]).filter((v): v is string => Boolean(v))),
  ].sort();
  return { topology: { engine, projects: inScope, networks: topologyNetworks, services, composeVersions }, containers };
}
