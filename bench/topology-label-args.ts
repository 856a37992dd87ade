import { COMPOSE_PROJECT, runLabels } from '../src/docker/labels.js';

/**
 * The `--label` arguments of what a bench brings up for run `runId` as Compose project `project`: dockprobe's labels
 * of a topology (so that `cleanup` knows the run) and the project's, with `extra` (`KEY=VALUE`) after them.
 */
export function topologyLabelArgs(runId: string, project: string): (extra?: string[]) => string[] {
  const labels = Object.entries(runLabels(runId, 'topology', { [COMPOSE_PROJECT]: project })).map(
    ([key, value]) => `${key}=${value}`,
  );
  return (extra = []) => [...labels, ...extra].flatMap((label) => ['--label', label]);
}
