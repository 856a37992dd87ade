// The engine's networks: what they are, what is attached to them, and their removal.

/** A network as the engine reports it. */
export interface NetworkInfo {
  id: string;
  name: string;
  driver: string;
  scope: string;
  internal: boolean;
  attachable: boolean;
  /** IPAM subnets in CIDR form. */
  subnets: string[];
  labels: Record<string, string>;
  /** The swarm's routing-mesh network (`Ingress: true`): it carries published ports to tasks, it is not a zone. */
  ingress?: boolean | undefined;
  /**
   * Its IPv4 gateway (IPAM `Gateway`), when the engine gives one. On a bridge network it is the host's own address
   * on that bridge: what a container reaches the host's services at (`dockprobe drill`).
   */
  gateway?: string | undefined;
  /**
   * Its `com.docker.network.driver.mtu` option, when set. On an overlay it is the size of the frames on the nodes'
   * network: containers get it minus 50 (VXLAN's header).
   */
  mtu?: number | undefined;
}

/** A network with what the engine says is attached to it. */
export interface NetworkDetail extends NetworkInfo {
  /** The containers with an endpoint on it on this node (running ones: a stopped container has no endpoint). */
  containers: { id: string; name: string }[];
  /**
   * On a swarm manager, for a swarm-scoped network (verbose inspect): the services with tasks on it, on every node,
   * as the network's gossip knows them. Empty elsewhere, and on a node where the network is not instantiated.
   */
  services: NetworkServiceEntry[];
  /** The nodes the overlay network is instantiated on (verbose inspect's `Peers`): name and address. */
  peers: { name: string; address: string }[];
}

/** One service of a verbose network inspect, with its endpoints on every node. */
export interface NetworkServiceEntry {
  /** The service's name (`glasck_api`); empty for endpoints that belong to no service. */
  name: string;
  /** Its virtual IP on this network, when it has one (endpoint mode vip). */
  vip: string | undefined;
  tasks: { name: string; endpointIp: string | undefined; hostIp: string | undefined }[];
}

/** The network calls dockprobe makes; every error names the network (and the container) it concerns. */
export interface NetworkClient {
  list(filter?: { labels?: string[] }): Promise<NetworkInfo[]>;
  /** A network with the containers the engine says are attached to it; undefined when it is gone. */
  inspect(id: string): Promise<(NetworkInfo & { containers: { id: string; name: string }[] }) | undefined>;
  /**
   * The verbose inspect of a network (`GET /networks/{id}?verbose=true`): on a swarm manager, also the services and
   * tasks with endpoints on it on every node, and the nodes it spans. Undefined when it is gone.
   */
  inspectVerbose(id: string): Promise<NetworkDetail | undefined>;
  /**
   * Removes a network; one already gone is not an error. A network the engine says still "has active endpoints"
   * throws NetworkInUseError, so callers can tell a holder (or a ghost endpoint) from any other failure.
   */
  remove(id: string): Promise<void>;
  /** Forcibly disconnects a container (id or name) from a network; an endpoint already gone is not an error. */
  disconnect(networkId: string, container: string): Promise<void>;
}
