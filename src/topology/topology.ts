import type { ContainerInfo, EngineInfo, NetworkInfo } from '../docker/container-runtime.js';

/** A network with the Compose names it is known by (when Compose made it). */
export interface TopologyNetwork extends NetworkInfo {
  project: string | undefined;
  /** The key under `networks:` in the Compose file; undefined for networks Compose did not make. */
  composeName: string | undefined;
}

/** A Compose service and all its containers, running or not. */
export interface TopologyService {
  project: string;
  name: string;
  containers: ContainerInfo[];
}

/** What is deployed, for the projects a scenario names: everything `plan/` needs, with ids. */
export interface Topology {
  engine: EngineInfo;
  /** Projects that were looked up and found. */
  projects: string[];
  networks: TopologyNetwork[];
  services: TopologyService[];
  /** The Compose versions that created the projects' containers (their `com.docker.compose.version` labels). */
  composeVersions: string[];
}

/** The running containers of a service (restarting ones excluded: their addresses are not to be trusted). */
export function runningContainers(service: TopologyService): ContainerInfo[] {
  return service.containers.filter((c) => c.running);
}

/** `ref_redis_1 exited, ref_redis_2 restarting`, or `no container`: why a service has nothing running. */
export function containerStates(service: TopologyService): string {
  return service.containers.map((c) => `${c.name} ${c.state}`).join(', ') || 'no container';
}

/** Finds a network by Compose name within a project, or by its Docker name. */
export function findNetwork(topology: Topology, project: string | undefined, name: string): TopologyNetwork | undefined {
  return (
    topology.networks.find((n) => project !== undefined && n.project === project && n.composeName === name) ??
    topology.networks.find((n) => n.name === name || n.id === name)
  );
}

/**
 * Docker's default `bridge` network: a real zone, but one without the embedded DNS server, so the deployment's names
 * do not resolve there (legacy links aside): it is reached by address only. Docker allows no other network that name.
 */
export function isDefaultBridge(network: { name: string; driver?: string }): boolean {
  return network.name === 'bridge' && (network.driver === undefined || network.driver === 'bridge');
}

/** Finds a service of a project by its Compose name. */
export function findService(topology: Topology, project: string, name: string): TopologyService | undefined {
  return topology.services.find((s) => s.project === project && s.name === name);
}

/** The subnets of the networks a set of containers is on. */
export function subnetsOf(topology: Topology, containers: readonly ContainerInfo[]): string[] {
  const ids = new Set(containers.flatMap((c) => c.networks.map((n) => n.networkId)));
  return [...new Set(topology.networks.filter((n) => ids.has(n.id)).flatMap((n) => n.subnets))];
}
