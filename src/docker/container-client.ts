// The engine's containers: what runs, and the short-lived hardened containers dockprobe starts itself.

/** A container's endpoint on one network. */
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
  /** The id of the image it runs (`sha256:…`): what holds an image that has lost its tag, or keeps its last one. */
  imageId: string;
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
  /** Its health check's status (`starting`, `healthy`, `unhealthy`), when it has one. */
  health?: string | undefined;
  /**
   * The process the engine started: its path, then its arguments (entrypoint and command merged, as inspect's `Path`
   * and `Args` say). A proxy's static configuration is read from it (see traefik/read-static-config.ts).
   */
  command: string[];
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
  /**
   * A stdin to attach to (a warm probe's control channel): open until the client attached to it leaves, then closed,
   * so the process reads its end. Its output then comes through the attach, not the log.
   */
  stdin?: boolean;
  /** The engine removes the container as soon as it ends (HostConfig.AutoRemove). */
  autoRemove?: boolean;
}

/** A container's stdin, stdout and stderr through the engine, over one connection (`ContainerClient.attach`). */
export interface AttachedContainer {
  /** Writes to the container's stdin. */
  write(text: string): void;
  /** Its stdout and stderr, demultiplexed, as they come; both end when the connection does. */
  stdout: NodeJS.ReadableStream;
  stderr: NodeJS.ReadableStream;
  /** Leaves: the engine closes the container's stdin (a `stdin` container's process then reads its end). */
  close(): void;
}

/** How a container ended. */
export interface ContainerExit {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * One path of a container's filesystem, as the archive endpoint (`GET /containers/{id}/archive`) gives it: through the
 * container's mounts, with nothing run inside it. A symbolic link is given as the absolute path it resolves to.
 */
export type ContainerFile =
  | { kind: 'file'; content: Buffer }
  | { kind: 'missing' }
  | { kind: 'symlink'; target: string }
  | { kind: 'not-a-file'; what: 'directory' | 'special file' }
  | { kind: 'too-large'; size: number };

/** What a container's process runs with besides its command (inspect's `Config.Env`, `WorkingDir`, `User`). */
export interface ContainerRunConfig {
  /** `NAME=value`, the image's and the container's merged, as the engine starts the process with them. */
  env: string[];
  /** The process's working directory; empty: `/`. */
  workingDir: string;
  /** `user`, `uid`, `user:group`; empty: the image's default (root unless the image says otherwise). */
  user: string;
}

/** The container calls dockprobe makes; every error names the container it concerns. */
export interface ContainerClient {
  list(filter?: { labels?: string[]; all?: boolean }): Promise<ContainerInfo[]>;
  /** Creates a hardened container: read-only root, no capabilities, no-new-privileges, memory and pid limits. */
  create(spec: ContainerSpec): Promise<string>;
  start(id: string): Promise<void>;
  /** A container, inspected; undefined when it is gone. */
  inspect(id: string): Promise<ContainerInfo | undefined>;
  /** What a container printed so far, without waiting for it to end (a long-running helper's). */
  logs(id: string): Promise<{ stdout: string; stderr: string }>;
  /** Waits until the container exits, then reads its output; kills it when `timeoutMs` passes first. */
  wait(id: string, timeoutMs: number): Promise<ContainerExit>;
  /** Attaches to a created container's stdin, stdout and stderr (before its start, so no output is missed). */
  attach(id: string): Promise<AttachedContainer>;
  /** Force-removes a container; a container already gone is not an error. */
  remove(id: string): Promise<void>;
  /** What the container's process runs with besides its command: its environment, working directory and user. */
  runConfig(id: string): Promise<ContainerRunConfig>;
  /**
   * One file of the container's filesystem, read through the archive endpoint (a tar; nothing runs in the container):
   * at most `maxBytes` of it, else `too-large`.
   */
  readFile(id: string, path: string, maxBytes: number): Promise<ContainerFile>;
}
