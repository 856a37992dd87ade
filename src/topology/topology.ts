import type { ContainerInfo } from '../docker/container-client.js';
import type { EngineInfo } from '../docker/system-client.js';
import type { NetworkInfo } from '../docker/network-client.js';
import type { SwarmNode, SwarmService, SwarmTask } from '../docker/swarm-client.js';
import { COMPOSE_PROJECT, COMPOSE_SERVICE, SWARM_SERVICE_NAME } from '../docker/labels.js';
import type { ProxyConfigRead } from '../traefik/traefik.js';

/** A network with the names it is known by in the project (or stack) that made it. */
export interface TopologyNetwork extends NetworkInfo {
  /** The Compose project (`com.docker.compose.project`) or swarm stack (`com.docker.stack.namespace`) that made it. */
  project: string | undefined;
  /**
   * The key under `networks:` in the Compose or stack file: Compose's network label, or for a stack's network its
   * name without the `<stack>_` prefix. Undefined for networks neither made.
   */
  composeName: string | undefined;
  /**
   * Stacks of the scenario whose services join this network although another stack (or nobody) made it (`external:
   * true`): for them it is found by its short name too. Absent for Compose and for networks no read stack joins.
   */
  joinedBy?: string[];
}

/** A Compose service or a swarm stack's service, and its containers on this node, running or not. */
export interface TopologyService {
  project: string;
  /** The Compose service, or the stack's service without its `<stack>_` prefix (scenarios say `api`). */
  name: string;
  containers: ContainerInfo[];
  /** For a service of a swarm stack: the service and its tasks on every node. Absent for Compose. */
  swarm?: TopologySwarmService;
}

/** What the swarm knows of a stack's service beyond this node's containers. */
export interface TopologySwarmService {
  /** Its real name: `<stack>_<service>`. */
  fullName: string;
  /** As a manager reports it; undefined on a worker, which sees only this node's containers. */
  service: SwarmService | undefined;
  /** Every task of the service on every node (a manager only; empty on a worker). */
  tasks: TopologyTask[];
}

/** A task, with the node it runs on. */
export interface TopologyTask extends SwarmTask {
  /** The node, when the manager knows it. */
  node: SwarmNode | undefined;
  /** Whether it runs on this engine's node: its container is then among the service's `containers`. */
  local: boolean;
}

/** What is deployed, for the projects a scenario names: everything `plan/` needs, with ids. */
export interface Topology {
  engine: EngineInfo;
  /** Projects (and stacks) that were looked up and found. */
  projects: string[];
  networks: TopologyNetwork[];
  services: TopologyService[];
  /** The Compose versions that created the projects' containers (their `com.docker.compose.version` labels). */
  composeVersions: string[];
  /** The projects that are swarm stacks. Absent on an engine outside a swarm. */
  stacks?: string[];
  /** This engine's place in a swarm: its node, whether it is a manager, the nodes a manager knows. Absent outside one. */
  swarm?: { nodeId: string | undefined; manager: boolean; nodes: SwarmNode[] };
  /**
   * What was read of each Traefik proxy's static configuration (its file, environment and command line), by
   * `<project>/<service>` (traefik/read-proxy-config.ts). Absent: only the command line is known.
   */
  traefikConfigs?: ReadonlyMap<string, ProxyConfigRead>;
}

/** The running containers of a service (restarting ones excluded: their addresses are not to be trusted). */
export function runningContainers(service: TopologyService): ContainerInfo[] {
  return service.containers.filter((c) => c.running);
}

/**
 * The running tasks of a stack's service on other nodes, with an address on at least one network: known from the
 * manager, reached only by address (or by name through the swarm's DNS), never joined by a probe from here.
 */
export function remoteTasks(service: TopologyService): TopologyTask[] {
  return (service.swarm?.tasks ?? []).filter(
    (t) =>
      !t.local &&
      t.state === 'running' &&
      t.desiredState === 'running' &&
      t.networks.some((n) => n.addresses.length > 0),
  );
}

/** A task as docker names its container: `<service>.<slot>.<task id>` (`<service>.<node id>.<task id>` when global). */
export function taskName(service: TopologyService, task: SwarmTask): string {
  return `${service.swarm?.fullName ?? service.name}.${task.slot ?? task.nodeId ?? ''}.${task.id}`;
}

/** `ref_redis_1 exited, ref_redis_2 restarting`, or `no container`: why a service has nothing running. */
export function containerStates(service: TopologyService): string {
  const local = service.containers.map((c) => `${c.name} ${c.state}`).join(', ');
  if (!service.swarm) return local || 'no container';
  // A stack's service may run elsewhere: its tasks on other nodes say where, and in what state.
  const elsewhere = service.swarm.tasks
    .filter((t) => !t.local && t.desiredState === 'running')
    .map(
      (t) =>
        `task ${service.swarm!.fullName}.${t.slot ?? t.nodeId ?? ''} ${t.state} on node ${t.node?.hostname ?? t.nodeId ?? 'unassigned'}`,
    );
  return [local || 'no container on this node', ...elsewhere].join(', ');
}

/** Whether a container is one of a service's (a replica that appeared, on a re-read). */
export function isContainerOf(service: TopologyService, container: ContainerInfo): boolean {
  if (service.swarm) return container.labels[SWARM_SERVICE_NAME] === service.swarm.fullName;
  return container.labels[COMPOSE_SERVICE] === service.name && container.labels[COMPOSE_PROJECT] === service.project;
}

/**
 * Finds a network by its short name within a project (its Compose key, or a stack's network without the prefix,
 * or one a stack joins as external), or by its Docker name or id.
 */
export function findNetwork(
  topology: Topology,
  project: string | undefined,
  name: string,
): TopologyNetwork | undefined {
  return (
    topology.networks.find((n) => project !== undefined && n.project === project && n.composeName === name) ??
    topology.networks.find((n) => project !== undefined && n.joinedBy?.includes(project) && n.composeName === name) ??
    topology.networks.find((n) => n.name === name || n.id === name)
  );
}

/**
 * A bridge network of this host (not swarm-scoped): the kind whose subnet the host routes and whose gateway is the
 * host itself, so a LAN neighbour can be routed to it and a container there reaches the host at its gateway.
 */
export function isLocalBridge(network: { driver: string; scope: string }): boolean {
  return network.scope !== 'swarm' && network.driver === 'bridge';
}

/**
 * What a container in another's network namespace (network_mode: container: or Compose's service:) names as its
 * owner, an id or a name; undefined for a container with a namespace of its own.
 */
export function namespaceOwnerRef(container: Pick<ContainerInfo, 'networkMode'>): string | undefined {
  return container.networkMode.startsWith('container:') ? container.networkMode.slice('container:'.length) : undefined;
}

/** Whether a container runs in a network namespace not its own: the host's (network_mode: host) or another's. */
export function borrowsNetworkNamespace(container: Pick<ContainerInfo, 'networkMode'>): boolean {
  return container.networkMode === 'host' || namespaceOwnerRef(container) !== undefined;
}

/** The container of the deployment that `ref` (an id, a prefix of one, or a name) names, with its service. */
export function findContainer(
  topology: Pick<Topology, 'services'>,
  ref: string,
): { service: TopologyService; container: ContainerInfo } | undefined {
  for (const service of topology.services) {
    const container = service.containers.find((c) => c.id.startsWith(ref) || c.name === ref);
    if (container) return { service, container };
  }
  return undefined;
}

/**
 * Docker's default `bridge` network: a real zone, but one without the embedded DNS server, so the deployment's names
 * do not resolve there (legacy links aside): it is reached by address only. Docker allows no other network that name.
 * Podman's is `podman` (its network list says `bridge`, its inspect `podman`), with DNS off likewise.
 */
export function isDefaultBridge(network: { name: string; driver?: string }, product?: 'docker' | 'podman'): boolean {
  const name = network.name === 'bridge' || (product === 'podman' && network.name === 'podman');
  return name && (network.driver === undefined || network.driver === 'bridge');
}

/** Finds a service of a project by its name (a stack's: without its prefix, or its real `<stack>_<service>` name). */
export function findService(topology: Topology, project: string, name: string): TopologyService | undefined {
  return topology.services.find((s) => s.project === project && (s.name === name || s.swarm?.fullName === name));
}

/**
 * What a swarm network is for, when it is one of the swarm's own and not a zone: `ingress` (the routing mesh that
 * carries published ports to tasks) or `docker_gwbridge` (each swarm container's way to the outside).
 */
export function swarmPlumbing(network: NetworkInfo): 'ingress' | 'gateway bridge' | undefined {
  if (network.ingress) return 'ingress';
  if (network.name === 'docker_gwbridge') return 'gateway bridge';
  return undefined;
}

/** The subnets of the networks a set of containers (and remote tasks) is on. */
export function subnetsOf(
  topology: Topology,
  containers: readonly ContainerInfo[],
  tasks: readonly SwarmTask[] = [],
): string[] {
  const ids = new Set([
    ...containers.flatMap((c) => c.networks.map((n) => n.networkId)),
    ...tasks.flatMap((t) => t.networks.map((n) => n.networkId)),
  ]);
  return [...new Set(topology.networks.filter((n) => ids.has(n.id)).flatMap((n) => n.subnets))];
}
