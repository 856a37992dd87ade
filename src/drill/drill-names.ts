import type { ContainerInfo } from '../docker/container-client.js';
import { COMPOSE_CONTAINER_NUMBER } from '../docker/labels.js';
import type { Topology, TopologyNetwork } from '../topology/topology.js';
import { projectOf, serviceOf } from '../topology/group-services.js';

/**
 * How a drill names what it tried, by names only, never addresses: a row must mean the same thing from run to run.
 * With one project in scope names are the Compose ones (`postgres`, `internal-backend`); with several they carry their
 * project (`shop/postgres`), since two projects of the same files have the same names. A replica is `api#2`.
 */
export class DrillNames {
  readonly #multi: boolean;
  readonly #held = new Map<string, string>();
  readonly #lists = new Map<string, string[]>();

  constructor(readonly topology: Topology) {
    this.#multi = topology.projects.length > 1;
  }

  /** A service, as `postgres` or `shop/postgres`. */
  service(project: string, name: string): string {
    return this.#multi ? `${project}/${name}` : name;
  }

  /** What a container stands for: its service (and replica, when the service has several), or its own name. */
  endpoint(container: ContainerInfo): string {
    const project = projectOf(container);
    const service = serviceOf(container);
    if (project === undefined || service === undefined) return container.name;
    const name = this.service(project, service);
    const replicas =
      this.topology.services.find((s) => s.project === project && s.name === service)?.containers.length ?? 1;
    return replicas > 1 ? `${name}#${container.labels[COMPOSE_CONTAINER_NUMBER] ?? container.name}` : name;
  }

  /**
   * `text` as the one copy held for the drill: a label, a description or a check id that every source repeats is
   * then kept once in memory, not once per cell (287,200 cells in a drill --all of 100 services).
   */
  intern(text: string): string {
    const held = this.#held.get(text);
    if (held !== undefined) return held;
    this.#held.set(text, text);
    return text;
  }

  /**
   * `list` as the one copy held for the drill, frozen: the containers a cell rests on are the same for every port of
   * an address, so cells share them (read only: a drill's cells are not changed once planned).
   */
  internList(list: readonly string[]): string[] {
    const key = list.join('\n');
    const held = this.#lists.get(key);
    if (held !== undefined) return held;
    const copy = Object.freeze([...list]) as string[];
    this.#lists.set(key, copy);
    return copy;
  }

  /** A network, as `internal-backend`, `shop/internal-backend`, or its Docker name when no project made it. */
  network(network: TopologyNetwork | undefined, fallback: string): string {
    if (!network) return fallback;
    if (network.composeName === undefined || network.project === undefined) return network.name;
    return this.#multi ? `${network.project}/${network.composeName}` : network.composeName;
  }
}
