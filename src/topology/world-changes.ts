import type { ContainerInfo } from '../docker/container-client.js';
import type { Engine } from '../docker/engine.js';
import type { EngineEvent } from '../docker/event-client.js';
import type { SwarmNode, SwarmTask } from '../docker/swarm-client.js';
import type { NodeEngine } from './connect-node-engines.js';
import { COMPOSE_PROJECT, LABEL_RUN, STACK_NAMESPACE, SWARM_TASK_ID, labelFilter } from '../docker/labels.js';
import { isContainerOf, remoteTasks, taskName, type Topology } from './topology.js';
import type { World } from './world.js';

/** What happened to one container of the deployment between the topology read and the end of the probes. */
export interface WorldChange {
  /** The container's id; for a task on another node of a swarm, the task's id (cells touch both by id). */
  containerId: string;
  /** `dockprobe-ref_redis_1 exited (it was running)`, `… restarted (started 10:00:01, was 09:59:40)` … */
  what: string;
}

/**
 * Compares the deployment as it was read before the probes with a re-read after them: a container removed, stopped,
 * restarted, or moved between networks or addresses. Any such change means a "blocked" seen meanwhile may only
 * have been the target not being there. Returns the changes by container id; empty when the world held.
 */
export function worldChanges(topology: Topology, after: readonly ContainerInfo[]): Map<string, WorldChange[]> {
  const changes = new Map<string, WorldChange[]>();
  const note = (containerId: string, what: string) => addChange(changes, containerId, what);
  const now = new Map(after.map((c) => [c.id, c]));
  for (const service of topology.services) {
    for (const before of service.containers) {
      if (!before.running) continue;
      const c = now.get(before.id);
      if (!c) {
        note(before.id, `${before.name} was removed`);
        continue;
      }
      if (!c.running) note(before.id, `${c.name} is ${c.state} (it was running)`);
      else if (c.startedAt !== before.startedAt || c.restartCount !== before.restartCount)
        note(before.id, `${c.name} restarted (started ${c.startedAt}, was ${before.startedAt})`);
      const membership = (x: ContainerInfo) =>
        x.networks
          .map((n) => `${n.networkName}=${n.ipv4 ?? ''}${n.ipv6 ? `,${n.ipv6}` : ''}`)
          .sort()
          .join(', ');
      if (c.running && membership(c) !== membership(before))
        note(
          before.id,
          `${c.name} changed networks (now ${membership(c) || 'none'}, was ${membership(before) || 'none'})`,
        );
    }
    // A replica that appeared was never tried by address: a "blocked" toward the service no longer covers it.
    const known = new Set(service.containers.map((c) => c.id));
    for (const c of after) {
      if (!known.has(c.id) && c.running && isContainerOf(service, c)) {
        for (const before of service.containers)
          note(before.id, `${c.name} of service ${service.name} started during the run`);
      }
    }
  }
  return changes;
}

/**
 * Compares the running tasks of stack services on other nodes, as the manager listed them before the probes, with a
 * re-list after them: a task that ended, or moved addresses, was not there to answer for all of the window. By task id.
 */
export function taskChanges(topology: Topology, after: readonly SwarmTask[]): Map<string, WorldChange[]> {
  const changes = new Map<string, WorldChange[]>();
  const now = new Map(after.map((t) => [t.id, t]));
  for (const service of topology.services) {
    for (const before of remoteTasks(service)) {
      const name = `task ${service.swarm!.fullName}.${before.slot ?? before.nodeId ?? ''} on node ${before.node?.hostname ?? before.nodeId}`;
      const t = now.get(before.id);
      const addresses = (x: SwarmTask) =>
        x.networks
          .map((n) => `${n.networkId}=${n.addresses.join(',')}`)
          .sort()
          .join(' ');
      if (!t) addChange(changes, before.id, `${name} was removed`);
      else if (t.state !== 'running' || t.desiredState !== 'running')
        addChange(changes, before.id, `${name} is ${t.state} (it was running)`);
      else if (addresses(t) !== addresses(before)) addChange(changes, before.id, `${name} changed addresses`);
    }
  }
  return changes;
}

/** What happened during a run's window that its verdicts must take into account. */
export interface RunWindow {
  /** Changes to the deployment's containers, by container id. */
  changes: Map<string, WorldChange[]>;
  /** Networks created (or removed) during the window: dockerd re-inserts its FORWARD rules then (moby/moby#43585). */
  networkEvents: string[];
}

/** Container events that mean a container was not there, or not the same, for part of the window. */
const CONTAINER_ACTIONS = new Set(['die', 'kill', 'stop', 'pause', 'restart', 'oom', 'destroy']);

/**
 * What the run's window held, from the world's read to now: the world re-read after the probes and compared with the
 * read before them, and the engine's events of the window (a container that died and came back, a network joined or
 * left, a network created). The run's own probes are not changes; a window that cannot be read counts as changed. A
 * world read by project is re-read by project (and its stacks' tasks on other nodes); one read from every container of
 * the engine is re-read whole, each container its own entry, since a container of no project counts as much as a
 * project's.
 */
export async function readWindow(
  runtime: Pick<Engine, 'containers' | 'swarm' | 'events'>,
  world: World,
  runId: string,
  nodes: readonly NodeEngine[] = [],
): Promise<RunWindow> {
  const sinceMs = world.readAtMs;
  const window =
    world.scope === 'engine'
      ? await readEveryContainer(runtime, world, runId, sinceMs)
      : await readThisEngine(runtime, world.topology, runId, sinceMs);
  const { topology } = world;
  // Other nodes' engines, where the user gave them: their container and network events are the window's too.
  const untilMs = Date.now();
  await Promise.all(
    nodes.map(async ({ node, runtime: nodeRuntime }) => {
      try {
        window.networkEvents.push(
          ...nodeEventChanges(
            topology,
            node,
            await nodeRuntime.events.list(sinceMs, untilMs),
            runId,
            window.changes,
            sinceMs,
          ),
        );
      } catch (error) {
        // Fail closed: a node whose window cannot be read may have changed under the probes that rest on its tasks.
        for (const task of topology.services.flatMap((s) => remoteTasks(s)).filter((t) => t.nodeId === node.id)) {
          addChange(
            window.changes,
            task.id,
            `the events of node ${node.hostname} could not be read after the probes (${(error as Error).message})`,
          );
        }
      }
    }),
  );
  return window;
}

async function readThisEngine(
  runtime: Pick<Engine, 'containers' | 'swarm' | 'events'>,
  topology: Topology,
  runId: string,
  sinceMs: number,
): Promise<RunWindow> {
  try {
    // Tasks on other nodes are re-listed only when the run rests on some: a manager knows them, a worker never read any.
    const remote = topology.services
      .filter((s) => remoteTasks(s).length > 0)
      .map((s) => s.swarm!.service?.id)
      .filter((id): id is string => id !== undefined);
    const [after, stackAfter, tasksAfter, events] = await Promise.all([
      Promise.all(
        topology.projects.map((p) => runtime.containers.list({ all: true, labels: [labelFilter(COMPOSE_PROJECT, p)] })),
      ),
      Promise.all(
        (topology.stacks ?? []).map((p) =>
          runtime.containers.list({ all: true, labels: [labelFilter(STACK_NAMESPACE, p)] }),
        ),
      ),
      remote.length > 0 ? runtime.swarm.listTasks({ services: remote }) : Promise.resolve(undefined),
      runtime.events.list(sinceMs, Date.now()),
    ]);
    const changes = worldChanges(topology, [...after.flat(), ...stackAfter.flat()]);
    for (const [id, list] of tasksAfter ? taskChanges(topology, tasksAfter) : [])
      for (const c of list) addChange(changes, id, c.what);
    const networkEvents = eventChanges(topology, events, runId, changes, sinceMs);
    return { changes, networkEvents };
  } catch (error) {
    return { changes: unknownWorld(topology, (error as Error).message), networkEvents: [] };
  }
}

// Every running container in scope, re-read after the probes, and the engine's events meanwhile.
async function readEveryContainer(
  runtime: Pick<Engine, 'containers' | 'events'>,
  world: World,
  runId: string,
  sinceMs: number,
): Promise<RunWindow> {
  const each: Topology = {
    ...world.topology,
    services: world.containers.filter((c) => c.running).map((c) => ({ project: '', name: c.name, containers: [c] })),
  };
  try {
    const [after, events] = await Promise.all([
      runtime.containers.list({ all: true }),
      runtime.events.list(sinceMs, Date.now()),
    ]);
    const changes = worldChanges(each, after);
    return { changes, networkEvents: eventChanges(each, events, runId, changes, sinceMs) };
  } catch (error) {
    return { changes: unknownWorld(each, (error as Error).message), networkEvents: [] };
  }
}

/** Adds the window's container events to `changes`; returns the network creations and removals, described. */
export function eventChanges(
  topology: Topology,
  events: readonly EngineEvent[],
  runId: string,
  changes: Map<string, WorldChange[]>,
  sinceMs = 0,
): string[] {
  const containers = new Map(topology.services.flatMap((s) => s.containers).map((c) => [c.id, c]));
  const subject = (containerId: string) => {
    const c = containers.get(containerId);
    return c ? { key: c.id, name: c.name } : undefined;
  };
  return changesFromEvents(events, runId, changes, sinceMs, subject, '');
}

/**
 * Another node's events of the window (through `--node-engine`): a container of a task there that died, was killed or
 * left a network makes that task changed, by task id as the manager's task list does; a network created or removed
 * there is a network event of that node (its FORWARD rules were re-inserted then, as on this one).
 */
export function nodeEventChanges(
  topology: Topology,
  node: SwarmNode,
  events: readonly EngineEvent[],
  runId: string,
  changes: Map<string, WorldChange[]>,
  sinceMs = 0,
): string[] {
  const tasks = topology.services.flatMap((s) =>
    remoteTasks(s)
      .filter((t) => t.nodeId === node.id)
      .map((t) => ({
        key: t.id,
        containerId: t.containerId,
        name: `task ${taskName(s, t)} on node ${node.hostname}: its container`,
      })),
  );
  const byContainer = new Map(tasks.flatMap((x) => (x.containerId ? [[x.containerId, x] as const] : [])));
  const byTask = new Map(tasks.map((x) => [x.key, x]));
  // A task's container is known by its id when the task list gave one, else by the task id among its labels.
  const subject = (containerId: string, attributes: Record<string, string>) =>
    byContainer.get(containerId) ?? byTask.get(attributes[SWARM_TASK_ID] ?? '');
  return changesFromEvents(events, runId, changes, sinceMs, subject, ` on node ${node.hostname}`);
}

/**
 * The one reading of a window's events, for this engine's and for another node's: a container event, or a network
 * (dis)connect, of a container the run rests on is a change of it (under `subject`'s key); a network created or
 * removed is a network event (`where` says on which node). The run's own probes are not changes.
 */
function changesFromEvents(
  events: readonly EngineEvent[],
  runId: string,
  changes: Map<string, WorldChange[]>,
  sinceMs: number,
  subject: (containerId: string, attributes: Record<string, string>) => { key: string; name: string } | undefined,
  where: string,
): string[] {
  const at = (e: EngineEvent) => new Date(e.timeMs).toISOString().slice(11, 23);
  const networkEvents: string[] = [];
  for (const e of events) {
    // The API reads whole seconds, so the answer starts up to a second early: the deployment's own start-up (its
    // containers joining their networks just before the run) is not a change of the run's window.
    if (e.timeMs < sinceMs || e.attributes[LABEL_RUN] === runId) continue;
    const container =
      e.type === 'container' && CONTAINER_ACTIONS.has(e.action) ? subject(e.id, e.attributes) : undefined;
    const joined =
      e.type === 'network' && (e.action === 'connect' || e.action === 'disconnect')
        ? subject(e.attributes['container'] ?? '', e.attributes)
        : undefined;
    if (container) {
      addChange(
        changes,
        container.key,
        `${container.name} ${e.action === 'oom' ? 'ran out of memory' : `got '${e.action}'`} at ${at(e)}`,
      );
    } else if (joined) {
      addChange(
        changes,
        joined.key,
        `${joined.name} was ${e.action}ed ${e.action === 'connect' ? 'to' : 'from'} network ${e.attributes['name'] ?? e.id.slice(0, 12)} at ${at(e)}`,
      );
    } else if (e.type === 'network' && (e.action === 'create' || e.action === 'destroy')) {
      networkEvents.push(
        `network ${e.attributes['name'] ?? e.id.slice(0, 12)} ${e.action === 'create' ? 'created' : 'removed'}${where} at ${at(e)}`,
      );
    }
  }
  return networkEvents;
}

/** Records one change of a container, once: the re-read and the events may both see it. */
function addChange(changes: Map<string, WorldChange[]>, containerId: string, what: string): void {
  const list = changes.get(containerId) ?? [];
  if (!list.some((c) => c.what === what)) changes.set(containerId, [...list, { containerId, what }]);
}

/** A re-read that failed: every container of the deployment counts as changed, since nothing proves it held. */
export function unknownWorld(topology: Topology, why: string): Map<string, WorldChange[]> {
  const changes = new Map<string, WorldChange[]>();
  const ids = [
    ...topology.services.flatMap((s) => s.containers.map((c) => c.id)),
    ...topology.services.flatMap((s) => remoteTasks(s).map((t) => t.id)),
  ];
  for (const id of ids)
    changes.set(id, [{ containerId: id, what: `the deployment could not be re-read after the probes (${why})` }]);
  return changes;
}
