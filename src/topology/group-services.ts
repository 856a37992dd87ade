import type { ContainerInfo } from '../docker/container-client.js';
import {
  COMPOSE_ONEOFF,
  COMPOSE_PROJECT,
  COMPOSE_SERVICE,
  isProbeHelper,
  STACK_NAMESPACE,
  SWARM_SERVICE_NAME,
} from '../docker/labels.js';
import { stackShortName } from './stack-short-name.js';
import type { TopologyService } from './topology.js';

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
 * Containers grouped into the services they run for, in the order each service is first met, each service's
 * containers by name. One-off containers (`compose run`), those of no service and dockprobe's own probes and control peers are not the
 * deployment: left out.
 */
export function groupServices(containers: readonly ContainerInfo[]): TopologyService[] {
  const byKey = new Map<string, TopologyService>();
  for (const c of containers) {
    const project = projectOf(c);
    const name = serviceOf(c);
    if (project === undefined || name === undefined || isProbeHelper(c.labels)) continue;
    const key = `${project}/${name}`;
    const service = byKey.get(key) ?? { project, name, containers: [] };
    service.containers.push(c);
    byKey.set(key, service);
  }
  const services = [...byKey.values()];
  for (const s of services) s.containers.sort((a, b) => a.name.localeCompare(b.name));
  return services;
}
