import type { ContainerExit } from './container-client.js';

// A swarm manager's services, tasks and nodes, and the probes dockprobe runs as swarm jobs on other nodes.

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
  /** What its tasks run (`Spec.TaskTemplate.ContainerSpec`); absent when the engine gave none. */
  container?: SwarmContainerSpec;
}

/** What a service's tasks run, as its spec says: the parts that decide how the program inside starts. */
export interface SwarmContainerSpec {
  /** `Command`: replaces the image's entrypoint when not empty. */
  command: string[];
  /** `Args`: replaces the image's command when not empty. */
  args: string[];
  /** `NAME=value`, the service's own (the image's come on top, unseen here). */
  env: string[];
  /** The working directory; empty: the image's. */
  dir: string;
  /** The user; empty: the image's. */
  user: string;
  /** Swarm configs given to its tasks as files, at their absolute target path. */
  configs: { configId: string; configName: string; target: string }[];
  /** Its mounts (`bind`, `volume`, `tmpfs` …), at their target path. */
  mounts: { type: string; source: string; target: string }[];
}

/** A swarm config (`docker config inspect`): its content, which the API gives base64-encoded, decoded. */
export interface SwarmConfig {
  id: string;
  name: string;
  labels: Record<string, string>;
  data: Buffer;
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

/**
 * The swarm calls dockprobe makes, a manager's only (a worker or an engine outside a swarm answers with an error);
 * every error names the service, task or node it concerns.
 */
export interface SwarmClient {
  listServices(filter?: { labels?: string[] }): Promise<SwarmService[]>;
  /** Creates a swarm job; returns the service id. The image is given to the swarm by its id. */
  createJob(spec: JobSpec): Promise<string>;
  /**
   * Waits until the job's task ends (complete, failed, rejected …), then reads its logs; removes nothing. When
   * `timeoutMs` passes first it throws, naming the task's last state.
   */
  waitJob(id: string, timeoutMs: number): Promise<JobExit>;
  /** Removes a swarm service (its tasks' containers go on every node); one already gone is not an error. */
  removeService(id: string): Promise<void>;
  /** Swarm tasks on every node. */
  listTasks(filter?: TaskFilter): Promise<SwarmTask[]>;
  listNodes(): Promise<SwarmNode[]>;
  /** Swarm configs, without their content. */
  listConfigs(): Promise<Omit<SwarmConfig, 'data'>[]>;
  /** One swarm config with its content. */
  inspectConfig(id: string): Promise<SwarmConfig>;
}
