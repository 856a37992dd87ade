// The small interface through which dockprobe talks to a container engine. Only docker/ implements it, so the rest of
// the pipeline is testable without Docker and API-version differences stay in one place.

/** The engine answering on the endpoint. */
export interface EngineInfo {
  /** Where it was reached, e.g. unix:///var/run/docker.sock. */
  endpoint: string;
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  /** Whether this engine is a Swarm manager or worker. */
  swarm: boolean;
}

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
}

/** A container's membership of one network. */
export interface ContainerNetwork {
  networkId: string;
  networkName: string;
  ipv4: string | undefined;
  /** Its global IPv6 address, on a network with IPv6 enabled. */
  ipv6?: string | undefined;
  aliases: string[];
}

/** A port the container exposes, and where it is published on the host (if it is). */
export interface ContainerPort {
  port: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  /** Where the engine actually published it. */
  published: { hostIp: string; hostPort: number }[];
  /** What the configuration asked for (HostConfig.PortBindings); the engine drops these on internal-only containers. */
  requested: { hostIp: string; hostPort: string }[];
}

/** A container, inspected. */
export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  /** Docker's state: created, running, paused, restarting, removing, exited, dead. */
  state: string;
  running: boolean;
  restartCount: number;
  /** When it last started (ISO 8601): a restart between two reads shows here even when the count does not change. */
  startedAt: string;
  labels: Record<string, string>;
  networks: ContainerNetwork[];
  ports: ContainerPort[];
  /** HostConfig.NetworkMode: a network name, `host`, `none`, `container:<id>` … */
  networkMode: string;
  /**
   * The process the engine started: its path, then its arguments (entrypoint and command merged, as inspect's `Path`
   * and `Args` say). A proxy's static configuration is read from it (see traefik/read-static-config.ts).
   */
  command: string[];
}

/** One event of the engine's event stream. */
export interface EngineEvent {
  /** `container`, `network` … */
  type: string;
  /** `die`, `kill`, `stop`, `pause`, `restart`, `connect`, `disconnect`, `create`, `destroy` … */
  action: string;
  /** The container or network id the event is about. */
  id: string;
  /** Its attributes: `name`, labels, and for network connect/disconnect the `container` id. */
  attributes: Record<string, string>;
  /** When it happened, in milliseconds since the epoch. */
  timeMs: number;
}

/** What a probe (or any short-lived helper) container needs. */
export interface ContainerSpec {
  name: string;
  image: string;
  cmd: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
  /** HostConfig.NetworkMode: a network id or name, or `container:<id>` to join another container's namespace. */
  networkMode: string;
  /** The network to attach at create (with a network mode that names one); absent for `container:<id>`. */
  network: string | undefined;
  /** Non-root numeric user:group. */
  user: string;
  memoryBytes: number;
  pidsLimit: number;
  /** Upstream DNS servers for the engine's embedded DNS (HostConfig.Dns); empty: the engine's default. */
  dns: string[];
}

/** How a container ended. */
export interface ContainerExit {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The operations dockprobe needs from an engine; every error names the resource it concerns. */
export interface ContainerRuntime {
  readonly endpoint: string;
  /** Pings the engine and reads its version; throws DockerUnavailableError when it cannot be reached. */
  info(): Promise<EngineInfo>;
  listNetworks(filter?: { labels?: string[] }): Promise<NetworkInfo[]>;
  listContainers(filter?: { labels?: string[]; all?: boolean }): Promise<ContainerInfo[]>;
  /** Creates a hardened container: read-only root, no capabilities, no-new-privileges, memory and pid limits. */
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Waits until the container exits, then reads its output; kills it when `timeoutMs` passes first. */
  waitContainer(id: string, timeoutMs: number): Promise<ContainerExit>;
  /** Force-removes a container; a container already gone is not an error. */
  removeContainer(id: string): Promise<void>;
  /**
   * Removes a network; one already gone is not an error. A network the engine says still "has active endpoints"
   * throws NetworkInUseError, so callers can tell a holder (or a ghost endpoint) from any other failure.
   */
  removeNetwork(id: string): Promise<void>;
  /** A network with the containers the engine says are attached to it; undefined when it is gone. */
  inspectNetwork(id: string): Promise<(NetworkInfo & { containers: { id: string; name: string }[] }) | undefined>;
  /** Forcibly disconnects a container (id or name) from a network; an endpoint already gone is not an error. */
  disconnectNetwork(networkId: string, container: string): Promise<void>;
  /** The container and network events of a past window (`sinceMs` to `untilMs`, milliseconds since the epoch). */
  events(sinceMs: number, untilMs: number): Promise<EngineEvent[]>;
  imageExists(reference: string): Promise<boolean>;
  /** Images carrying all the given labels, as `repository:tag` (or the id when untagged). */
  listImages(filter: { labels: string[] }): Promise<{ id: string; tags: string[]; sizeBytes: number }[]>;
  /** Removes an image; one already gone is not an error. */
  removeImage(reference: string): Promise<void>;
  /** Builds an image from `files` (paths relative to `contextDir`, Dockerfile included). */
  buildImage(options: { contextDir: string; files: string[]; tag: string; labels: Record<string, string>; timeoutMs: number }): Promise<void>;
}
