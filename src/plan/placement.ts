import type { ContainerInfo } from '../docker/container-client.js';
import type { SwarmNode } from '../docker/swarm-client.js';
import type { TopologyNetwork } from '../topology/topology.js';

/**
 * Where a probe runs. `network`: a container on that network, on this engine's node. `container`: in a running
 * container's network namespace. `job`: a swarm job pinned to `node`, for what a container here cannot be: a zone
 * probe on another node or on an overlay that is not attachable (`network`), or a stand-in for a service's task on
 * another node (`task`), on the task's networks but not in its namespace (it does not share the task's localhost,
 * aliases or firewall rules). `host`: in dockprobe's own process.
 */
export type Placement =
  | { kind: 'network'; network: TopologyNetwork }
  | { kind: 'container'; container: ContainerInfo; service: string }
  | { kind: 'job'; node: SwarmNode; network: TopologyNetwork; task?: undefined }
  | { kind: 'job'; node: SwarmNode; network?: undefined; task: { id: string; name: string; service: string } }
  | { kind: 'host' }
  | LanPlacement;

/**
 * A LAN neighbour: a network namespace of its own on the engine's host, joined to it by a veth pair with a /30 of
 * link-local addresses (`host` on the host's end, `neighbour` on the other), routing the containers' subnets through
 * the host. `controlPort`: dockprobe listens on the host's end there; reaching it proves the neighbour's link works.
 */
export interface LanPlacement {
  kind: 'lan';
  host: string;
  neighbour: string;
  controlPort: number;
  /** The IPv4 subnets routed through the host: the local bridge networks' (never a default route). */
  routes: string[];
}
