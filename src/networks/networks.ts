import type { ContainerInfo } from '../docker/container-client.js';
import type { EngineInfo } from '../docker/system-client.js';
import type { NetworkDetail, NetworkInfo } from '../docker/network-client.js';
import type { SwarmNode, SwarmService, SwarmTask } from '../docker/swarm-client.js';

// The data of `dockprobe networks`: which networks outlived what made them, what still holds each, the commands that
// free it, and what a removal did. Every outcome carries a stable code (`kind`, `status`), the same in JSON and text.

/** What made a network, by its labels: a Compose project, a swarm stack, or a dockprobe run. */
export interface NetworkOwner {
  kind: 'compose-project' | 'swarm-stack' | 'dockprobe-run';
  /** The project, the stack, or the run id. */
  name: string;
}

/** Whether a network's owner still exists, as far as this engine can tell, and why. */
export type OwnerStatus = { status: 'gone' | 'alive' | 'undetermined'; why: string };

/**
 * Something that keeps a network from being removed, or that breaks when it is:
 * - `running-container`: a container on this node with an endpoint on it (the engine refuses the removal);
 * - `stopped-container`: a stopped container on this node whose configuration names it: the removal succeeds, and
 *   the container fails on its next start ("network … not found");
 * - `swarm-service`: a service whose spec attaches to it (a manager refuses the removal);
 * - `task-ending`: a task with an address on it that has not ended yet, on any node (a manager refuses the removal);
 * - `remote-endpoint`: an endpoint on another node that only a manager's verbose inspect shows.
 */
export type HolderKind =
  | 'running-container'
  | 'stopped-container'
  | 'swarm-service'
  | 'task-ending'
  | 'remote-endpoint';

/** One holder of a network, and the command that frees the network of it. */
export interface NetworkHolder {
  kind: HolderKind;
  /** The container, service or task (as docker names its container: `<service>.<slot>.<task id>`). */
  name: string;
  id: string | undefined;
  /** The node it is on: `this node`, or another node's hostname (and address); undefined for a service. */
  node: string | undefined;
  /** Whether the engine refuses to remove the network while it holds it (a stopped container does not, and breaks). */
  blocks: boolean;
  /** What it is and why it holds the network, for people. */
  detail: string;
  /** The command that frees the network of it, to run on `node` (or any manager, for a service). */
  command: string;
}

/** A network whose owner no longer exists. */
export interface StaleNetwork {
  id: string;
  name: string;
  driver: string;
  scope: string;
  owner: NetworkOwner;
  /** Why the owner counts as gone. */
  why: string;
  holders: NetworkHolder[];
  /** The commands that free and remove it, in order; each says where it runs when that is not this node. */
  steps: string[];
}

/** A network with an owner label whose owner this engine cannot prove gone: not reported stale, said why. */
export interface UndeterminedNetwork {
  id: string;
  name: string;
  owner: NetworkOwner;
  why: string;
}

/**
 * How a removal asked for ended:
 * - `removed`; `gone`: someone removed it first;
 * - `declined`: the question on the terminal was answered no;
 * - `refused-in-use`: something holds it (`reason` names what, and the commands that free it) or the engine said so;
 * - `refused-system`: a network the engine or the swarm itself needs (bridge, host, none, ingress, docker_gwbridge);
 * - `failed`: the engine failed otherwise.
 */
export interface NetworkRemoval {
  network: string;
  id: string;
  status: 'removed' | 'gone' | 'declined' | 'refused-in-use' | 'refused-system' | 'failed';
  reason: string | undefined;
}

/** Everything read from the engine that the pure stages need. */
export interface NetworkFacts {
  engine: EngineInfo;
  networks: NetworkInfo[];
  /** Every container on this node, running or not. */
  containers: ContainerInfo[];
  /** Per network id: its inspect (verbose on a manager, for a swarm-scoped network). */
  details: Map<string, NetworkDetail>;
  /** A manager's answers; empty elsewhere. */
  services: SwarmService[];
  tasks: SwarmTask[];
  nodes: SwarmNode[];
  /** Whether this engine is a swarm manager: only then are other nodes' holders seen. */
  manager: boolean;
}

/** What `dockprobe networks` found and did. */
export interface NetworksReport {
  engine: EngineInfo;
  manager: boolean;
  stale: StaleNetwork[];
  undetermined: UndeterminedNetwork[];
  removals: NetworkRemoval[];
}
