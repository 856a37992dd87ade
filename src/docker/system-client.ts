// The engine itself: where it answers, its version and its place in a swarm.

/** The engine answering on the endpoint. */
export interface EngineInfo {
  /** Where it was reached, e.g. unix:///var/run/docker.sock. */
  endpoint: string;
  /** The Docker context the endpoint comes from (DOCKER_CONTEXT, or the config's `currentContext`); absent otherwise. */
  context?: string | undefined;
  /**
   * Whether the engine runs on another host than dockprobe (docker/engine-locality.ts: a tcp:// or ssh:// endpoint
   * whose host is neither loopback nor an address of dockprobe's network namespace). `from: host` and `from: lan`
   * need the engine's own host, and are refused on a remote engine.
   */
  remote?: boolean | undefined;
  /**
   * Whether the engine runs rootless (`docker info`'s SecurityOptions has `name=rootless`): its bridges, its
   * containers' addresses and its iptables rules live in RootlessKit's network namespace, not the host's; its
   * published ports are bound on the host by RootlessKit's port driver, and its egress leaves through slirp4netns or
   * pasta as the user's own connections. `from: lan`, a firewall reload and an engine restart are refused there
   * (docs/engines.md).
   */
  rootless?: boolean | undefined;
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  /** Whether this engine is a Swarm manager or worker. */
  swarm: boolean;
  /** This engine's node id in its swarm (`Swarm.NodeID`); absent when it is in none. */
  swarmNodeId?: string | undefined;
  /**
   * Whether this engine is a swarm manager (`Swarm.ControlAvailable`): only a manager answers for services, tasks and
   * nodes of the whole swarm; a worker knows its own containers only.
   */
  swarmManager?: boolean | undefined;
  /**
   * The firewall backend the engine says it programs (`docker info`'s `FirewallBackend.Driver`: `iptables`,
   * `nftables`, `iptables+firewalld`; Engine 28 and later). Absent where the engine does not say.
   */
  firewallBackend?: string | undefined;
  /**
   * Which engine answers the Docker API: `podman` where its version names a Podman Engine component (its DNS is
   * aardvark-dns at each network's gateway, not Docker's embedded 127.0.0.11), else `docker`.
   */
  product?: 'docker' | 'podman' | undefined;
  /**
   * Whether dockerd keeps containers running while it is down (`docker info`'s `LiveRestoreEnabled`; never with swarm
   * mode). Absent where the engine does not say (Podman).
   */
  liveRestore?: boolean | undefined;
}

/** Reads what the engine is. */
export interface SystemClient {
  /** Pings the engine and reads its version; throws DockerUnavailableError when it cannot be reached. */
  info(): Promise<EngineInfo>;
}
