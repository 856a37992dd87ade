import type { EngineEvent } from '../docker/event-client.js';
import { COMPOSE_PROJECT, LABEL_ROLE, LABEL_RUN, STACK_NAMESPACE } from '../docker/labels.js';
import type { Trigger } from './round-scheduler.js';

/** What the watch knows when it reads an event: what it watches, and what is its own. */
export interface WatchedScope {
  runId: string;
  /** The Compose projects and stacks the expectations name. */
  projects: ReadonlySet<string>;
  /** The networks of the deployment (ids and names), as last read. */
  networks: ReadonlySet<string>;
  /** The containers of the deployment, as last read. */
  containers: ReadonlySet<string>;
  /** This watch's own warm probes. */
  ownContainers: ReadonlySet<string>;
  /** Containers known to be probes of some dockprobe run (seen with dockprobe.role=probe). */
  probeContainers: ReadonlySet<string>;
  /** The name of a container of the deployment, by id (a network event names its container by id only). */
  containerName?: (id: string) => string | undefined;
}

/** Container events that can change what is reachable. */
const CONTAINER_ACTIONS = new Set(['start', 'die', 'pause', 'unpause', 'restart', 'oom', 'destroy']);

/**
 * Whether an engine event asks for a round, and how it is described. Rounds follow what can change what is
 * reachable: a container of the deployment (or one on its networks) starting, dying, pausing; a container joining or
 * leaving a network of the deployment; any network created or removed (dockerd rewrites its isolation rules then,
 * moby/moby#43585); a swarm service changed. Never dockprobe's own probes, this watch's or another run's: a probe's
 * start, end and network joins are not the world's.
 */
export function eventTrigger(event: EngineEvent, scope: WatchedScope): Trigger | undefined {
  const a = event.attributes;
  if (a[LABEL_RUN] === scope.runId || a[LABEL_ROLE] === 'probe') return undefined;
  const name = a['name'] ?? event.id.slice(0, 12);
  switch (event.type) {
    case 'container': {
      if (!CONTAINER_ACTIONS.has(event.action)) return undefined;
      if (scope.ownContainers.has(event.id) || scope.probeContainers.has(event.id)) return undefined;
      const project = a[COMPOSE_PROJECT] ?? a[STACK_NAMESPACE];
      const ours = scope.containers.has(event.id) || (project !== undefined && scope.projects.has(project));
      return ours ? { kind: 'event', what: `container ${event.action}: ${name}` } : undefined;
    }
    case 'network': {
      if (event.action === 'create' || event.action === 'destroy')
        return { kind: 'event', what: `network ${event.action}: ${name}` };
      if (event.action !== 'connect' && event.action !== 'disconnect') return undefined;
      const container = a['container'] ?? '';
      if (scope.ownContainers.has(container) || scope.probeContainers.has(container)) return undefined;
      if (!scope.networks.has(event.id) && !scope.networks.has(name)) return undefined;
      return {
        kind: 'event',
        what: `network ${event.action}: ${scope.containerName?.(container) ?? `container ${container.slice(0, 12)}`} ${event.action === 'connect' ? 'to' : 'from'} ${name}`,
      };
    }
    case 'service':
      return { kind: 'event', what: `service ${event.action}: ${name}` };
    default:
      return undefined;
  }
}

/**
 * The ids of containers seen as probes (a container event with dockprobe.role=probe), the newest `limit` of them: a
 * network event names its container by id only, without its labels.
 */
export class RecentProbes {
  readonly #ids = new Set<string>();

  constructor(readonly limit = 1024) {}

  /** Notes the event's container if it is a probe. */
  see(event: EngineEvent): void {
    if (event.type !== 'container' || event.attributes[LABEL_ROLE] !== 'probe') return;
    this.#ids.delete(event.id);
    this.#ids.add(event.id);
    if (this.#ids.size > this.limit) this.#ids.delete(this.#ids.values().next().value!);
  }

  get ids(): ReadonlySet<string> {
    return this.#ids;
  }
}
