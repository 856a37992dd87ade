import type { Expectation } from '../scenario/scenario.js';
import type { Placement } from '../plan/plan.js';

/**
 * The fields every kind of cell starts with. A probe that joined a service's container rests on that container: if
 * it changes during the run, nothing the probe saw from it counts (see Cell.touches). So does a job standing for a task.
 */
export function cellBase(
  expectation: Expectation,
  targetLabel: string,
  probe: { key: string; label: string; placement?: Placement },
) {
  // A job standing for a task on another node rests on that task (world-changes: tasks are keyed by id).
  const joined =
    probe.placement?.kind === 'container'
      ? [probe.placement.container.id]
      : probe.placement?.kind === 'job' && probe.placement.task
        ? [probe.placement.task.id]
        : [];
  // The file is part of the id: entries are numbered per file, and `--repeat` merges rounds by id (two files, or a file
  // and `--infer`'s scenario, often hold an entry 0 from the same source to the same target).
  return {
    id: `${expectation.position.file}#${expectation.index}/${probe.key}/${targetLabel}`,
    expectation,
    targetLabel,
    probeKey: probe.key,
    source: probe.label,
    attempts: [],
    touches: joined,
    precondition: undefined,
  };
}
