import type { ContainerInfo, ContainerRuntime } from '../docker/container-runtime.js';
import { COMPOSE_PROJECT, COMPOSE_SERVICE, labelFilter } from '../docker/labels.js';
import type { Topology } from './topology.js';

/** What happened to one container of the deployment between the topology read and the end of the probes. */
export interface WorldChange {
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
  const note = (containerId: string, what: string) => changes.set(containerId, [...(changes.get(containerId) ?? []), { containerId, what }]);
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
      else if (c.startedAt !== before.startedAt || c.restartCount !== before.restartCount) note(before.id, `${c.name} restarted (started ${c.startedAt}, was ${before.startedAt})`);
      const membership = (x: ContainerInfo) => x.networks.map((n) => `${n.networkName}=${n.ipv4 ?? ''}`).sort().join(', ');
      if (c.running && membership(c) !== membership(before)) note(before.id, `${c.name} changed networks (now ${membership(c) || 'none'}, was ${membership(before) || 'none'})`);
    }
    // A replica that appeared was never tried by address: a "blocked" toward the service no longer covers it.
    const known = new Set(service.containers.map((c) => c.id));
    for (const c of after) {
      if (!known.has(c.id) && c.running && c.labels[COMPOSE_SERVICE] === service.name && c.labels[COMPOSE_PROJECT] === service.project) {
        for (const before of service.containers) note(before.id, `${c.name} of service ${service.name} started during the run`);
      }
    }
  }
  return changes;
}

/** Re-reads the projects' containers after the probes and compares them with the topology read before them. */
export async function rereadWorld(runtime: ContainerRuntime, topology: Topology): Promise<Map<string, WorldChange[]>> {
  try {
    const after = await Promise.all(topology.projects.map((p) => runtime.listContainers({ all: true, labels: [labelFilter(COMPOSE_PROJECT, p)] })));
    return worldChanges(topology, after.flat());
  } catch (error) {
    return unknownWorld(topology, (error as Error).message);
  }
}

/** A re-read that failed: every container of the deployment counts as changed, since nothing proves it held. */
export function unknownWorld(topology: Topology, why: string): Map<string, WorldChange[]> {
  const changes = new Map<string, WorldChange[]>();
  for (const c of topology.services.flatMap((s) => s.containers)) changes.set(c.id, [{ containerId: c.id, what: `the deployment could not be re-read after the probes (${why})` }]);
  return changes;
}
