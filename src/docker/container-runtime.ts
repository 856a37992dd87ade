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
  /** This engine's node id in its swarm (`Swarm.NodeID`); absent when it is in none. */
  swarmNodeId?: string | undefined;
  /**
   * Whether this engine is a swarm manager (`Swarm.ControlAvailable`): only a manager answers for services, tasks and
   * nodes of the whole swarm; a worker knows its own containers only.
   */
  swarmManager?: boolean | undefined;
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

/** How a swarm service schedules its tasks. */
export type SwarmServiceMode = 'replicated' | 'global' | 'replicated-job' | 'global-job' | 'unknown';

/** A port a swarm service publishes. */
export interface SwarmServicePort {
  targetPort: number;
  /** The port on the host; undefined when the engine has not assigned one. */
  publishedPort: number | undefined;
  protocol: 'tcp' | 'udp' | 'sctp';
  /** `ingress`: on every node of the swarm, through the routing mesh; `host`: only on the node a task runs on. */
  publishMode: 'ingress' | 'host';
}

/** A swarm service, as a manager reports it (`docker service inspect`). */
export interface SwarmService {
  id: string;
  /** The full name: `<stack>_<service>` for a stack's service. */
  name: string;
  /** `Spec.Labels`: in a stack file, `deploy.labels` (what Traefik's Swarm provider reads). */
  labels: Record<string, string>;
  /** The stack it belongs to (`com.docker.stack.namespace`); undefined for a service created by hand. */
  stack: string | undefined;
  mode: SwarmServiceMode;
  /** For a replicated service: the replicas asked for. */
  replicas: number | undefined;
  /** `vip`: one virtual IP per network, load-balanced by IPVS; `dnsrr`: the name resolves to each task's address. */
  endpointMode: 'vip' | 'dnsrr';
  /** The service's virtual IP on each network (address without prefix length). */
  virtualIps: { networkId: string; address: string }[];
  ports: SwarmServicePort[];
  /** The networks its tasks attach to (ids, as the engine stores them). */
  networkIds: string[];
  /** The image its tasks run, as configured (`traefik:v3.1@sha256:…`). */
  image: string;
}

/** Which tasks to list. */
export interface TaskFilter {
  /** Service ids or names. */
  services?: string[];
  /** Node ids or names. */
  nodes?: string[];
  desiredStates?: ('running' | 'shutdown' | 'accepted')[];
}

/** A task of a swarm service: one slot on one node, with the container it runs. */
export interface SwarmTask {
  id: string;
  serviceId: string;
  /** Its slot (replicated services); undefined for global ones. */
  slot: number | undefined;
  /** The node it is assigned to; undefined while it waits to be scheduled. */
  nodeId: string | undefined;
  /** What the orchestrator wants: `running`, `shutdown`, `accepted` … */
  desiredState: string;
  /** Where it is: `new`, `pending`, `assigned`, `preparing`, `starting`, `running`, `complete`, `shutdown`, `failed`, `rejected`, `orphaned`, `remove` … */
  state: string;
  /** The engine's message for the state, and the error when it failed. */
  message: string;
  error: string | undefined;
  /** The container running it, on its node; undefined before one is created. */
  containerId: string | undefined;
  /** Its container's exit code, once it exited. */
  exitCode?: number | undefined;
  /** Its addresses on each network it is attached to (addresses without prefix length). */
  networks: { networkId: string; networkName: string | undefined; addresses: string[] }[];
}

/** A node of the swarm. */
export interface SwarmNode {
  id: string;
  hostname: string;
  role: 'manager' | 'worker';
  /** `active`, `pause`, `drain`. */
  availability: string;
  /** `ready`, `down`, `disconnected`, `unknown`. */
  state: string;
  /** The address other nodes reach it at (`Status.Addr`); undefined when the engine gives none. */
  address: string | undefined;
  leader: boolean;
}
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
  /**
   * The most its log (json-file) keeps, in bytes: the agent's results come back through it, so it must hold all of
   * them; a log past this size loses its beginning.
   */
  logBytes: number;
  /** Upstream DNS servers for the engine's embedded DNS (HostConfig.Dns); empty: the engine's default. */
  dns: string[];
}

/**
 * A probe run as a swarm job: one task (`replicated-job`, one completion, no restart) pinned to one node and attached
 * to swarm-scoped networks, hardened as a probe container is. What a plain container cannot do: run on another node,
 * or on an overlay that is not attachable.
 */
export interface JobSpec {
  /** The service's name: also the name its task answers to on its networks (endpoint mode dnsrr). */
  name: string;
  image: string;
  cmd: string[];
  env: Record<string, string>;
  /** On the service and on its task's container. */
  labels: Record<string, string>;
  /** Network ids; every one swarm-scoped. */
  networks: string[];
  /** The node it must run on (`node.id==…`). */
  nodeId: string;
  user: string;
  memoryBytes: number;
  pidsLimit: number;
  /** The most its task's log keeps, in bytes (see ContainerSpec.logBytes). */
  logBytes: number;
  /** Upstream DNS servers (the task's resolv.conf; the embedded DNS forwards to them); empty: the engine's default. */
  dns: string[];
}

/** How a job ended: its task's exit, where it ran, and its container. */
export interface JobExit extends ContainerExit {
  taskId: string;
  /** The container that ran the task, on its node. */
  containerId: string | undefined;
  /** The task's last state (`complete`, `failed`, `rejected` …) and the swarm's message or error for it. */
  state: string;
  message: string;
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
  /**
   * The verbose inspect of a network (`GET /networks/{id}?verbose=true`): on a swarm manager, also the services and
   * tasks with endpoints on it on every node, and the nodes it spans. Undefined when it is gone.
   */
  inspectNetworkVerbose(id: string): Promise<NetworkDetail | undefined>;
  /** Swarm services (a manager only: a worker or an engine outside a swarm answers with an error). */
  listServices(filter?: { labels?: string[] }): Promise<SwarmService[]>;
  /** Creates a swarm job (a manager only); returns the service id. The image is given to the swarm by its id. */
  createJob(spec: JobSpec): Promise<string>;
  /**
   * Waits until the job's task ends (complete, failed, rejected …), then reads its logs; removes nothing. When
   * `timeoutMs` passes first it throws, naming the task's last state.
   */
  waitJob(id: string, timeoutMs: number): Promise<JobExit>;
  /** Removes a swarm service (its tasks' containers go on every node); one already gone is not an error. */
  removeService(id: string): Promise<void>;
  /** Swarm tasks on every node (a manager only). */
  listTasks(filter?: TaskFilter): Promise<SwarmTask[]>;
  /** The swarm's nodes (a manager only). */
  listNodes(): Promise<SwarmNode[]>;
  /** Forcibly disconnects a container (id or name) from a network; an endpoint already gone is not an error. */
  disconnectNetwork(networkId: string, container: string): Promise<void>;
  /** The container and network events of a past window (`sinceMs` to `untilMs`, milliseconds since the epoch). */
  events(sinceMs: number, untilMs: number): Promise<EngineEvent[]>;
  imageExists(reference: string): Promise<boolean>;
  /** Images carrying all the given labels, as `repository:tag` (or the id when untagged). */
  listImages(filter: { labels: string[] }): Promise<{ id: string; tags: string[]; sizeBytes: number }[]>;
  /** Removes an image; one already gone is not an error. */
  removeImage(reference: string): Promise<void>;
  /** The image as a tar stream (`docker save`), to load into another engine. */
  saveImage(reference: string): Promise<NodeJS.ReadableStream>;
  /** Loads a tar stream of images (`docker load`), within `timeoutMs` for the whole transfer. */
  loadImage(tar: NodeJS.ReadableStream, timeoutMs: number): Promise<void>;
  /** Builds an image from `files` (paths relative to `contextDir`, Dockerfile included). */
  buildImage(options: {
    contextDir: string;
    files: string[];
    tag: string;
    labels: Record<string, string>;
    timeoutMs: number;
  }): Promise<void>;
}
