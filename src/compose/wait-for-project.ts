import type { Engine } from '../docker/engine.js';
import { COMPOSE_PROJECT, labelFilter } from '../docker/labels.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';

/** Polls until every container of a Compose project is running (and at least one exists), or the timeout passes. */
export async function waitForProject(
  runtime: Pick<Engine, 'containers'>,
  project: string,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let states = '';
  for (;;) {
    const containers = await runtime.containers.list({ all: true, labels: [labelFilter(COMPOSE_PROJECT, project)] });
    if (containers.length > 0 && containers.every((c) => c.running)) return;
    states = containers.map((c) => `${c.name} ${c.state}`).join(', ') || 'no containers';
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
  }
  throw new DockprobeError(ErrorCodes.TIMEOUT, `project ${project} not running after ${timeoutMs} ms: ${states}`);
}
