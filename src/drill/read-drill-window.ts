import type { Engine } from '../docker/engine.js';
import type { Topology } from '../topology/topology.js';
import { eventChanges, unknownWorld, worldChanges, type RunWindow } from '../topology/world-changes.js';
import type { DrillWorld } from './read-drill-world.js';

/**
 * The drill's window: every container it tried, re-read after the probes, and the engine's events meanwhile. A
 * container of no project counts as much as a project's, so each container is its own entry here.
 */
export async function readDrillWindow(
  runtime: Engine,
  world: DrillWorld,
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
