import Docker from 'dockerode';
import { DockerUnavailableError } from '../errors/docker-unavailable-error.js';
import { withTimeout } from '../../probes/agent/with-timeout.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { NetworkInUseError } from '../errors/network-in-use-error.js';
import type {
  ContainerExit,
  ContainerInfo,
  ContainerRuntime,
  EngineEvent,
  ContainerSpec,
  EngineInfo,
  JobExit,
  JobSpec,
  NetworkDetail,
  NetworkInfo,
  SwarmNode,
  SwarmService,
  SwarmTask,
  TaskFilter,
} from './container-runtime.js';
import { demuxDockerStream } from './demux-stream.js';
import { dockerEndpoint, endpointOptions } from './docker-endpoint.js';
import { engineError, messageOf, statusOf } from './engine-error.js';
import { DEFAULT_ENGINE_TIMEOUT_MS } from '../engine-timeout.js';
import { short } from './short-id.js';
import { toContainerInfo } from './to-container-info.js';
import { toNetworkDetail } from './to-network-detail.js';
import { toNetworkInfo } from './to-network-info.js';
import { toSwarmNode } from './to-swarm-node.js';
import { toSwarmService } from './to-swarm-service.js';
import { toSwarmTask } from './to-swarm-task.js';

/** Limits for talking to the engine; every wait has one. */
export interface DockerodeRuntimeOptions {
  /** Limit for the first ping (default 5 s). */
  connectTimeoutMs?: number;
  /** Limit for each ordinary API call (default 30 s). */
  apiTimeoutMs?: number;
  /** How often a long wait checks that the engine still answers (default 1 s). */
  heartbeatMs?: number;
  /** The engine to talk to, as DOCKER_HOST takes it (another swarm node's); default: DOCKER_HOST, else the socket. */
  endpoint?: string;
}

/** A liveness check of the engine, shared by the waits pending on it. */
interface Heartbeat {
  waiters: number;
  timer: NodeJS.Timeout | undefined;
  /** Rejects with the error of the first ping that failed. */
  lost: Promise<never>;
}

/** How often a long wait pings the engine unless told otherwise. */
export const DEFAULT_HEARTBEAT_MS = 1_000;

/** Races `promise` against a timer; on expiry rejects with a DP_TIMEOUT error naming what was awaited. */
/** How often a job's task state is read: its probe's checks take seconds, a task starts in about one. */
const JOB_POLL_MS = 250;
/** How long a removed job's task containers on other nodes may take to go (26.1: under a second). */
const JOB_REMOVAL_WAIT_MS = 10_000;
/** Task states after which a task never runs again (moby's api/types/swarm TaskState). */
const ENDED_TASK_STATES = new Set(['complete', 'failed', 'shutdown', 'rejected', 'orphaned', 'remove']);

function timed<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return withTimeout(promise, ms, () => new DockprobeError(ErrorCodes.TIMEOUT, `${what}: no answer within ${ms} ms`));
}

/** The one {@link ContainerRuntime} on a real engine, through dockerode. Nothing else imports dockerode. */
export class DockerodeRuntime implements ContainerRuntime {
  readonly endpoint: string;
  readonly #docker: Docker;
  readonly #connectTimeoutMs: number;
  readonly #apiTimeoutMs: number;
  /** This engine's swarm node, read once: every removed job asks which of its tasks ran here. */
  #swarmNodeId: Promise<string | undefined> | undefined;
  readonly #heartbeatMs: number;
  /** The liveness check shared by every pending wait; undefined while none is pending. */
  #heartbeat: Heartbeat | undefined;

  constructor(options: DockerodeRuntimeOptions = {}) {
    this.endpoint = options.endpoint ?? dockerEndpoint();
    try {
      this.#docker = options.endpoint ? new Docker(endpointOptions(options.endpoint)) : new Docker();
    } catch (error) {
      throw new DockerUnavailableError(this.endpoint, error);
    }
    this.#apiTimeoutMs = options.apiTimeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? Math.min(5000, this.#apiTimeoutMs);
    this.#heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  }

  async info(): Promise<EngineInfo> {
    try {
      await timed(this.#docker.ping(), this.#connectTimeoutMs, `ping ${this.endpoint}`);
    } catch (error) {
      throw new DockerUnavailableError(this.endpoint, error);
    }
    const [version, info] = await Promise.all([
      this.#call('read engine version', '', () => this.#docker.version()),
      this.#call(
        'read engine info',
        '',
        () =>
          this.#docker.info() as Promise<{
            Swarm?: { LocalNodeState?: string; NodeID?: string; ControlAvailable?: boolean };
          }>,
      ),
    ]);
    const swarm = info.Swarm?.LocalNodeState === 'active';
    return {
      endpoint: this.endpoint,
      version: version.Version,
      apiVersion: version.ApiVersion,
      os: version.Os,
      arch: version.Arch,
      swarm,
      ...(swarm
        ? { swarmNodeId: info.Swarm?.NodeID || undefined, swarmManager: info.Swarm?.ControlAvailable === true }
        : {}),
    };
  }

  async listNetworks(filter: { labels?: string[] } = {}): Promise<NetworkInfo[]> {
    const filters: Record<string, string[]> = filter.labels?.length ? { label: filter.labels } : {};
    const list = await this.#call('list networks', '', () => this.#docker.listNetworks({ filters }));
    return list.map(toNetworkInfo);
  }

  async listContainers(filter: { labels?: string[]; all?: boolean } = {}): Promise<ContainerInfo[]> {
    const filters: Record<string, string[]> = filter.labels?.length ? { label: filter.labels } : {};
    const list = await this.#call('list containers', '', () =>
      this.#docker.listContainers({ all: filter.all ?? true, filters }),
    );
    const inspected = await Promise.all(
      list.map((c) =>
        this.#call('inspect container', c.Id, () => this.#docker.getContainer(c.Id).inspect()).catch(
          (error: unknown) => {
            // A container removed between list and inspect is simply gone (the 404 is the cause of our wrapped error).
            if (statusOf(error) === 404 || statusOf((error as Error).cause) === 404) return undefined;
            throw error;
          },
        ),
      ),
    );
    return inspected.filter((c): c is Docker.ContainerInspectInfo => c !== undefined).map(toContainerInfo);
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const container = await this.#call('create container', spec.name, () =>
      this.#docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Cmd: spec.cmd,
        Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
        Labels: spec.labels,
        User: spec.user,
        AttachStdout: false,
        AttachStderr: false,
        HostConfig: {
          NetworkMode: spec.networkMode,
          ReadonlyRootfs: true,
          CapDrop: ['ALL'],
          // The `=` form is the one the API documents; engines 26+ log a deprecation warning per container for `:`.
          SecurityOpt: ['no-new-privileges=true'],
          Memory: spec.memoryBytes,
          MemorySwap: spec.memoryBytes,
          PidsLimit: spec.pidsLimit,
          ...(spec.dns.length ? { Dns: spec.dns } : {}),
          AutoRemove: false,
          Privileged: false,
          LogConfig: { Type: 'json-file', Config: { 'max-size': `${Math.ceil(spec.logBytes / 1024)}k` } },
        },
        ...(spec.network ? { NetworkingConfig: { EndpointsConfig: { [spec.network]: {} } } } : {}),
      }),
    );
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    await this.#call('start container', id, () => this.#docker.getContainer(id).start());
  }

  async waitContainer(id: string, timeoutMs: number): Promise<ContainerExit> {
    const container = this.#docker.getContainer(id);
    let exitCode: number;
    try {
      const result = (await this.#whileAlive(
        timed(container.wait(), timeoutMs, `wait for container ${short(id)}`),
        `wait for container ${short(id)}`,
      )) as { StatusCode: number };
      exitCode = result.StatusCode;
    } catch (error) {
      // Bounded like every call: an engine that went silent mid-run (the wait's own failure) would otherwise hold the
      // kill, and with it the run, for ever.
      await timed(container.kill(), this.#apiTimeoutMs, `kill container ${short(id)}`).catch(() => undefined);
      throw this.#wrap('wait for container', id, error);
    }
    const logs = await this.#call('read logs of container', id, () =>
      container.logs({ stdout: true, stderr: true, follow: false }),
    );
    return { exitCode, ...demuxDockerStream(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs))) };
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await timed(
        this.#docker.getContainer(id).remove({ force: true, v: true }),
        this.#apiTimeoutMs,
        `remove container ${short(id)}`,
      );
    } catch (error) {
      const status = statusOf(error);
      // 404: already gone; 409: removal already in progress.
      if (status === 404 || status === 409) return;
      throw this.#wrap('remove container', id, error);
    }
  }

  async removeNetwork(id: string): Promise<void> {
    try {
      await timed(this.#docker.getNetwork(id).remove(), this.#apiTimeoutMs, `remove network ${short(id)}`);
    } catch (error) {
      if (statusOf(error) === 404) return;
      const reason = messageOf(error);
      // 20.10 answers 403, newer engines 409; the text is the same. A swarm-scoped network a manager refuses to remove
      // names the task or service still using it ("network … is in use by task …").
      if (/active endpoints|is in use by (task|service)/i.test(reason)) throw new NetworkInUseError(id, reason, error);
      throw this.#wrap('remove network', id, error);
    }
  }

  async inspectNetwork(
    id: string,
  ): Promise<(NetworkInfo & { containers: { id: string; name: string }[] }) | undefined> {
    try {
      const n = (await timed(
        this.#docker.getNetwork(id).inspect(),
        this.#apiTimeoutMs,
        `inspect network ${short(id)}`,
      )) as Docker.NetworkInspectInfo;
      return {
        ...toNetworkInfo(n),
        containers: Object.entries(n.Containers ?? {}).map(([cid, c]) => ({ id: cid, name: c.Name ?? cid })),
      };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.#wrap('inspect network', id, error);
    }
  }

  async inspectNetworkVerbose(id: string): Promise<NetworkDetail | undefined> {
    try {
      // dockerode passes the options on as the query (`?verbose=true`); its types only know the callback form.
      const network = this.#docker.getNetwork(id) as unknown as {
        inspect(options: { verbose: boolean }): Promise<unknown>;
      };
      const n = await timed(network.inspect({ verbose: true }), this.#apiTimeoutMs, `inspect network ${short(id)}`);
      return toNetworkDetail(n);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.#wrap('inspect network', id, error);
    }
  }

  async listServices(filter: { labels?: string[] } = {}): Promise<SwarmService[]> {
    // `status=true` (API 1.41) costs nothing here and keeps the answer the same shape on every engine we support.
    const filters = filter.labels?.length ? { label: filter.labels } : {};
    const list: unknown = await this.#call('list swarm services', '', () =>
      this.#docker.listServices({ status: true, filters }),
    );
    return (Array.isArray(list) ? list : []).map(toSwarmService);
  }

  async createJob(spec: JobSpec): Promise<string> {
    // By image id: a node then never tries a registry for it (moby's swarm executor skips the pull of an image named by
    // its id), which with no registry costs each task 20–40 s of lookups. An image moved between nodes with
    // `docker save | docker load` keeps its id; a node without it rejects the task ("No such image").
    const image = await this.#call('inspect image', spec.image, () => this.#docker.getImage(spec.image).inspect());
    const created = await this.#call('create swarm job', spec.name, () =>
      this.#docker.createService({
        Name: spec.name,
        Labels: spec.labels,
        TaskTemplate: {
          ContainerSpec: {
            Image: image.Id,
            Args: spec.cmd,
            Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
            Labels: spec.labels,
            User: spec.user,
            ReadOnly: true,
            // API 1.41 (engine 20.10): the capability list of a service's containers. no-new-privileges has no field
            // before API 1.46; with no capability, a non-root user and an image without setuid files it adds nothing.
            CapabilityDrop: ['ALL'],
            ...(spec.dns.length ? { DNSConfig: { Nameservers: spec.dns } } : {}),
          },
          Resources: { Limits: { MemoryBytes: spec.memoryBytes, Pids: spec.pidsLimit } },
          RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
          Placement: { Constraints: [`node.id==${spec.nodeId}`] },
          Networks: spec.networks.map((Target) => ({ Target })),
          LogDriver: { Name: 'json-file', Options: { 'max-size': `${Math.ceil(spec.logBytes / 1024)}k` } },
        },
        Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } },
        // dnsrr: the job's own name resolves to its task's address (its DNS control); a VIP would need IPVS.
        EndpointSpec: { Mode: 'dnsrr' },
      } as unknown as Docker.CreateServiceOptions),
    );
    return (created as { id?: string; ID?: string }).id ?? (created as { ID?: string }).ID ?? '';
  }

  async waitJob(id: string, timeoutMs: number): Promise<JobExit> {
    const deadline = Date.now() + timeoutMs;
    let last: SwarmTask | undefined;
    // The swarm has no wait call for a task: its state is polled. Every poll is itself bounded (#call).
    for (;;) {
      const tasks = await this.listTasks({ services: [id] });
      // One completion and no restart: the job has one task.
      last = tasks[0] ?? last;
      if (last && ENDED_TASK_STATES.has(last.state)) break;
      if (Date.now() >= deadline) {
        // DP_TIMEOUT, as a container's wait that runs out: the caller tells a probe past its deadline by the code.
        throw new DockprobeError(
          ErrorCodes.TIMEOUT,
          `its task did not end within ${timeoutMs} ms (last state: ${last ? `${last.state}${last.error ? `, ${last.error}` : ''}` : 'no task yet'})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
    }
    // A task that never ran (rejected: no such image on its node) has no logs to read.
    let output = { stdout: '', stderr: '' };
    if (last.containerId) {
      const logs = await this.#call(
        'read logs of swarm job',
        id,
        () => this.#docker.getService(id).logs({ stdout: true, stderr: true, follow: false }) as Promise<unknown>,
      );
      output = demuxDockerStream(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs)));
    }
    return {
      exitCode: last.exitCode ?? -1,
      ...output,
      taskId: last.id,
      containerId: last.containerId,
      state: last.state,
      message: last.error ?? last.message,
    };
  }

  async removeService(id: string): Promise<void> {
    // Its tasks are read first: once the service is gone a task filter by service fails.
    let tasks: SwarmTask[];
    try {
      tasks = await this.listTasks({ services: [id] });
    } catch (error) {
      if (statusOf(error) === 404 || /not found/i.test(messageOf(error))) return;
      throw error;
    }
    try {
      await timed(this.#docker.getService(id).remove(), this.#apiTimeoutMs, `remove swarm service ${short(id)}`);
    } catch (error) {
      if (statusOf(error) !== 404) throw this.#wrap('remove swarm service', id, error);
    }
    // Engine 20.10 keeps a job's exited task containers after its service is removed (26.1 removes them within a
    // second): the ones on this node are removed here.
    if (!this.#swarmNodeId) {
      const reading = this.info().then((info) => info.swarmNodeId);
      // A failed read is not kept: the next removal asks again.
      reading.catch(() => {
        if (this.#swarmNodeId === reading) this.#swarmNodeId = undefined;
      });
      this.#swarmNodeId = reading;
    }
    const here = await this.#swarmNodeId;
    for (const task of tasks)
      if (task.nodeId === here && task.containerId) await this.removeContainer(task.containerId);
    // Those on other nodes only their own engine can remove: their tasks leave the manager's list with them. Waited
    // for, bounded; what stays is named, with the command that removes it on its node.
    const elsewhere = new Set(tasks.filter((t) => t.nodeId !== here && t.containerId).map((t) => t.id));
    const deadline = Date.now() + JOB_REMOVAL_WAIT_MS;
    while (elsewhere.size > 0) {
      const left = (await this.listTasks()).filter((t) => elsewhere.has(t.id));
      if (left.length === 0) return;
      if (Date.now() >= deadline) {
        const where = left
          .map(
            (t) =>
              `container ${short(t.containerId ?? '')} of task ${short(t.id)} on node ${t.nodeId} (there: docker rm -f ${short(t.containerId ?? '')})`,
          )
          .join(', ');
        throw this.#wrap(
          'remove swarm service',
          id,
          new Error(
            `the service is gone, but its task's container is still on another node after ${JOB_REMOVAL_WAIT_MS} ms: ${where}`,
          ),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
    }
  }

  async listTasks(filter: TaskFilter = {}): Promise<SwarmTask[]> {
    const filters: Record<string, string[]> = {
      ...(filter.services?.length ? { service: filter.services } : {}),
      ...(filter.nodes?.length ? { node: filter.nodes } : {}),
      ...(filter.desiredStates?.length ? { 'desired-state': filter.desiredStates } : {}),
    };
    const list: unknown = await this.#call('list swarm tasks', '', () => this.#docker.listTasks({ filters }));
    return (Array.isArray(list) ? list : []).map(toSwarmTask);
  }

  async listNodes(): Promise<SwarmNode[]> {
    const list: unknown = await this.#call('list swarm nodes', '', () => this.#docker.listNodes());
    return (Array.isArray(list) ? list : []).map(toSwarmNode);
  }

  async disconnectNetwork(networkId: string, container: string): Promise<void> {
    try {
      await timed(
        this.#docker.getNetwork(networkId).disconnect({ Container: container, Force: true }),
        this.#apiTimeoutMs,
        `disconnect ${short(container)} from network ${short(networkId)}`,
      );
    } catch (error) {
      // 404: no such network or container; "not connected" / "endpoint not found": nothing to disconnect.
      if (statusOf(error) === 404 || /not connected|endpoint .*not found|not found/i.test(messageOf(error))) return;
      throw this.#wrap('disconnect from network', networkId, error);
    }
  }

  async events(sinceMs: number, untilMs: number): Promise<EngineEvent[]> {
    // A past window: the engine sends what happened in it and closes the stream at `until`. Both are sent as
    // seconds with milliseconds (`1764240000.123`), which every engine since 1.x parses to the nanosecond: whole
    // seconds would drop the window's last fraction of a second (`until` rounded down, since a moment still to come
    // holds the answer open until it passes), where a pause and unpause, or a disconnect and reconnect at the same
    // address, shows neither in the events nor in the re-read. The read is bounded like every other call.
    const read = async () => {
      const stream = await this.#docker.getEvents({
        since: Math.floor(sinceMs) / 1000,
        until: Math.ceil(untilMs) / 1000,
        filters: { type: ['container', 'network'] },
      });
      let text = '';
      for await (const chunk of stream as AsyncIterable<Buffer | string>) text += chunk.toString();
      return text;
    };
    const text = await this.#call('read engine events', '', read);
    return text
      .split('\n')
      .filter((line) => line.trim())
      .flatMap((line): EngineEvent[] => {
        try {
          const e = JSON.parse(line) as {
            Type?: string;
            Action?: string;
            Actor?: { ID?: string; Attributes?: Record<string, string> };
            timeNano?: number;
            time?: number;
          };
          return [
            {
              type: e.Type ?? '',
              action: (e.Action ?? '').split(':')[0]!,
              id: e.Actor?.ID ?? '',
              attributes: e.Actor?.Attributes ?? {},
              timeMs: e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000,
            },
          ];
        } catch {
          return [];
        }
      });
  }

  async imageExists(reference: string): Promise<boolean> {
    try {
      await timed(this.#docker.getImage(reference).inspect(), this.#apiTimeoutMs, `inspect image ${reference}`);
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw this.#wrap('inspect image', reference, error);
    }
  }

  async listImages(filter: { labels: string[] }): Promise<{ id: string; tags: string[]; sizeBytes: number }[]> {
    const list = await this.#call('list images', '', () =>
      this.#docker.listImages({ filters: { label: filter.labels } }),
    );
    return list.map((i) => ({
      id: i.Id,
      tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
      sizeBytes: i.Size,
    }));
  }

  async removeImage(reference: string): Promise<void> {
    try {
      await timed(this.#docker.getImage(reference).remove(), this.#apiTimeoutMs, `remove image ${reference}`);
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw this.#wrap('remove image', reference, error);
    }
  }

  async saveImage(reference: string): Promise<NodeJS.ReadableStream> {
    return this.#call('save image', reference, () => this.#docker.getImage(reference).get());
  }

  async loadImage(tar: NodeJS.ReadableStream, timeoutMs: number): Promise<void> {
    const load = async () => this.#followProgress(await this.#docker.loadImage(tar, { quiet: true }), 'load failed');
    try {
      await timed(load(), timeoutMs, `load image at ${this.endpoint}`);
    } catch (error) {
      // A stalled transfer must not keep reading the source engine's export after the deadline.
      (tar as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw this.#wrap('load image', '', error);
    }
  }

  async buildImage(options: {
    contextDir: string;
    files: string[];
    tag: string;
    labels: Record<string, string>;
    timeoutMs: number;
  }): Promise<void> {
    const build = async () =>
      this.#followProgress(
        await this.#docker.buildImage(
          { context: options.contextDir, src: options.files },
          { t: options.tag, labels: options.labels, rm: true, forcerm: true },
        ),
        'build failed',
      );
    try {
      await timed(build(), options.timeoutMs, `build image ${options.tag}`);
    } catch (error) {
      throw new DockprobeError(
        ErrorCodes.IMAGE_BUILD,
        `building image ${options.tag} failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  // The engine streams a build's or a load's progress as JSON lines, and says a failure in one of them, not by status.
  #followProgress(stream: NodeJS.ReadableStream, fallback: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#docker.modem.followProgress(
        stream,
        (error: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
          const failed = output?.find((o) => o.error || o.errorDetail);
          if (error) reject(error);
          else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error ?? fallback));
          else resolve();
        },
      );
    });
  }

  async #call<T>(what: string, resource: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await timed(fn(), this.#apiTimeoutMs, `${what} ${short(resource)}`.trim());
    } catch (error) {
      throw this.#wrap(what, resource, error);
    }
  }

  /**
   * `promise`, unless the engine stops answering first. A wait whose connection the engine dropped mid-answer (its
   * socket died after the headers) never settles by itself: without this it lasted until the probe's whole deadline,
   * 20 s and more, with no report. The engine is pinged every heartbeat while any wait is pending (one ping for all of
   * them, not one per probe); a ping that fails or outlasts the connect limit rejects every pending wait at once, so a
   * dying engine ends the run within a heartbeat plus that limit.
   */
  async #whileAlive<T>(promise: Promise<T>, what: string): Promise<T> {
    this.#heartbeat ??= this.#startHeartbeat();
    const beat = this.#heartbeat;
    beat.waiters++;
    const lost = beat.lost.catch((error: unknown) => {
      throw new DockerUnavailableError(this.endpoint, error, `${what}: the engine stopped answering`);
    });
    lost.catch(() => undefined);
    try {
      return await Promise.race([promise, lost]);
    } finally {
      if (--beat.waiters === 0) {
        clearTimeout(beat.timer);
        if (this.#heartbeat === beat) this.#heartbeat = undefined;
      }
    }
  }

  // One heartbeat: pings every #heartbeatMs while it has waiters; `lost` rejects with the ping's error.
  #startHeartbeat(): Heartbeat {
    let reject: (error: unknown) => void = () => undefined;
    const beat: Heartbeat = { waiters: 0, timer: undefined, lost: new Promise<never>((_, r) => (reject = r)) };
    beat.lost.catch(() => undefined);
    const next = () => {
      beat.timer = setTimeout(() => {
        timed(this.#docker.ping(), this.#connectTimeoutMs, `ping ${this.endpoint}`).then(
          () => {
            if (beat.waiters > 0) next();
          },
          (error: unknown) => {
            if (this.#heartbeat === beat) this.#heartbeat = undefined;
            reject(error);
          },
        );
      }, this.#heartbeatMs);
    };
    next();
    return beat;
  }

  /** What to throw for a failed call: see {@link engineError} (a programming error goes on unchanged). */
  #wrap(what: string, resource: string, error: unknown): unknown {
    return engineError(this.endpoint, what, resource, error);
  }
}
