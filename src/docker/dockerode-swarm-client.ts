import type Docker from 'dockerode';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import type { ContainerClient } from './container-client.js';
import { demuxDockerStream } from './demux-stream.js';
import type { DockerodeConnection } from './dockerode-connection.js';
import { messageOf, statusOf } from './engine-error.js';
import { short } from './short-id.js';
import { labelsAt, objectAt, stringAt } from './engine-json.js';
import type {
  JobExit,
  JobSpec,
  SwarmClient,
  SwarmConfig,
  SwarmNode,
  SwarmService,
  SwarmTask,
  TaskFilter,
} from './swarm-client.js';
import type { SystemClient } from './system-client.js';
import { toSwarmNode } from './to-swarm-node.js';
import { toSwarmService } from './to-swarm-service.js';
import { toSwarmTask } from './to-swarm-task.js';

/** How often a job's task state is read: its probe's checks take seconds, a task starts in about one. */
const JOB_POLL_MS = 250;
/** How long a removed job's task containers on other nodes may take to go (26.1: under a second). */
const JOB_REMOVAL_WAIT_MS = 10_000;
/** Task states after which a task never runs again (moby's api/types/swarm TaskState). */
const ENDED_TASK_STATES = new Set(['complete', 'failed', 'shutdown', 'rejected', 'orphaned', 'remove']);

/**
 * {@link SwarmClient} on a real engine. A removed job's task containers on this node are removed through `containers`,
 * and which node is this one `system` says.
 */
export class DockerodeSwarmClient implements SwarmClient {
  readonly #connection: DockerodeConnection;
  readonly #system: SystemClient;
  readonly #containers: ContainerClient;
  /** This engine's swarm node, read once: every removed job asks which of its tasks ran here. */
  #swarmNodeId: Promise<string | undefined> | undefined;

  constructor(connection: DockerodeConnection, system: SystemClient, containers: ContainerClient) {
    this.#connection = connection;
    this.#system = system;
    this.#containers = containers;
  }

  async listServices(filter: { labels?: string[] } = {}): Promise<SwarmService[]> {
    const connection = this.#connection;
    // `status=true` (API 1.41) costs nothing here and keeps the answer the same shape on every engine we support.
    const filters = filter.labels?.length ? { label: filter.labels } : {};
    const list: unknown = await connection.call('list swarm services', '', () =>
      connection.docker.listServices({ status: true, filters }),
    );
    return (Array.isArray(list) ? list : []).map(toSwarmService);
  }

  async createJob(spec: JobSpec): Promise<string> {
    const connection = this.#connection;
    // By image id: a node then never tries a registry for it (moby's swarm executor skips the pull of an image named by
    // its id), which with no registry costs each task 20–40 s of lookups. An image moved between nodes with
    // `docker save | docker load` keeps its id; a node without it rejects the task ("No such image").
    const image = await connection.call('inspect image', spec.image, () =>
      connection.docker.getImage(spec.image).inspect(),
    );
    const created = await connection.call('create swarm job', spec.name, () =>
      connection.docker.createService({
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
    const connection = this.#connection;
    const deadline = Date.now() + timeoutMs;
    let last: SwarmTask | undefined;
    // The swarm has no wait call for a task: its state is polled. Every poll is itself bounded (call).
    for (;;) {
      const tasks = await this.#tasksOf(id);
      // One completion and no restart: the job has one task.
      last = tasks[0] ?? last;
      if (last && ENDED_TASK_STATES.has(last.state)) break;
      if (Date.now() >= deadline) {
        // DP_TIMEOUT, as a container's wait that runs out: the caller tells a probe past its deadline by the code.
        const state = last ? `${last.state}${last.error ? `, ${last.error}` : ''}` : 'no task yet';
        throw new DockprobeError(
          ErrorCodes.TIMEOUT,
          `wait for swarm job ${short(id)}: its task ${last ? `${short(last.id)} ` : ''}did not end within ${timeoutMs} ms (last state: ${state})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
    }
    // A task that never ran (rejected: no such image on its node) has no logs to read.
    let output = { stdout: '', stderr: '' };
    if (last.containerId) {
      const logs = await connection.call(
        'read logs of swarm job',
        id,
        () => connection.docker.getService(id).logs({ stdout: true, stderr: true, follow: false }) as Promise<unknown>,
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
    const connection = this.#connection;
    // Its tasks are read first: once the service is gone a task filter by service fails.
    let tasks: SwarmTask[];
    try {
      tasks = await this.#tasksOf(id);
    } catch (error) {
      if (statusOf(error) === 404 || /not found/i.test(messageOf(error))) return;
      throw error;
    }
    try {
      await connection.timed(connection.docker.getService(id).remove(), `remove swarm service ${short(id)}`);
    } catch (error) {
      if (statusOf(error) !== 404) throw connection.wrap('remove swarm service', id, error);
    }
    // Engine 20.10 keeps a job's exited task containers after its service is removed (26.1 removes them within a
    // second): the ones on this node are removed here.
    if (!this.#swarmNodeId) {
      const reading = this.#system.info().then((info) => info.swarmNodeId);
      // A failed read is not kept: the next removal asks again.
      reading.catch(() => {
        if (this.#swarmNodeId === reading) this.#swarmNodeId = undefined;
      });
      this.#swarmNodeId = reading;
    }
    const here = await this.#swarmNodeId;
    for (const task of tasks)
      if (task.nodeId === here && task.containerId) await this.#containers.remove(task.containerId);
    // Those on other nodes only their own engine can remove: their tasks leave the manager's list with them. Waited
    // for, bounded; what stays is named, with the command that removes it on its node.
    const elsewhere = new Set(tasks.filter((t) => t.nodeId !== here && t.containerId).map((t) => t.id));
    const deadline = Date.now() + JOB_REMOVAL_WAIT_MS;
    while (elsewhere.size > 0) {
      const left = (await this.#tasks({}, 'list the tasks left of swarm service', id)).filter((t) =>
        elsewhere.has(t.id),
      );
      if (left.length === 0) return;
      if (Date.now() >= deadline) {
        const where = left
          .map(
            (t) =>
              `container ${short(t.containerId ?? '')} of task ${short(t.id)} on node ${t.nodeId} (there: docker rm -f ${short(t.containerId ?? '')})`,
          )
          .join(', ');
        // A wait past its limit, as any other: the swarm did not remove the container in time.
        throw new DockprobeError(
          ErrorCodes.TIMEOUT,
          `remove swarm service ${short(id)}: the service is gone, but its task's container is still on another node after ${JOB_REMOVAL_WAIT_MS} ms: ${where}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
    }
  }

  listTasks(filter: TaskFilter = {}): Promise<SwarmTask[]> {
    return this.#tasks(filter, 'list swarm tasks', '');
  }

  /** The tasks of one service: a job's, polled while it runs and read before it is removed. */
  #tasksOf(id: string): Promise<SwarmTask[]> {
    return this.#tasks({ services: [id] }, 'list the tasks of swarm service', id);
  }

  /** The tasks `filter` selects, listed as `what` on `resource` (what an error names). */
  async #tasks(filter: TaskFilter, what: string, resource: string): Promise<SwarmTask[]> {
    const connection = this.#connection;
    const filters: Record<string, string[]> = {
      ...(filter.services?.length ? { service: filter.services } : {}),
      ...(filter.nodes?.length ? { node: filter.nodes } : {}),
      ...(filter.desiredStates?.length ? { 'desired-state': filter.desiredStates } : {}),
    };
    const list: unknown = await connection.call(what, resource, () => connection.docker.listTasks({ filters }));
    return (Array.isArray(list) ? list : []).map(toSwarmTask);
  }

  async listNodes(): Promise<SwarmNode[]> {
    const connection = this.#connection;
    const list: unknown = await connection.call('list swarm nodes', '', () => connection.docker.listNodes());
    return (Array.isArray(list) ? list : []).map(toSwarmNode);
  }

  async listConfigs(): Promise<Omit<SwarmConfig, 'data'>[]> {
    const connection = this.#connection;
    const list: unknown = await connection.call('list swarm configs', '', () => connection.docker.listConfigs());
    return (Array.isArray(list) ? list : []).map((c) => {
      const { data: _data, ...config } = toSwarmConfig(c);
      return config;
    });
  }

  async inspectConfig(id: string): Promise<SwarmConfig> {
    const connection = this.#connection;
    const config: unknown = await connection.call('inspect swarm config', id, () =>
      connection.docker.getConfig(id).inspect(),
    );
    return toSwarmConfig(config);
  }
}

// A config as `GET /configs/{id}` describes it; `Spec.Data` is base64.
function toSwarmConfig(json: unknown): SwarmConfig {
  const config = objectAt(json);
  const spec = objectAt(config['Spec']);
  return {
    id: stringAt(config['ID']) ?? '',
    name: stringAt(spec['Name']) ?? '',
    labels: labelsAt(spec['Labels']),
    data: Buffer.from(stringAt(spec['Data']) ?? '', 'base64'),
  };
}
