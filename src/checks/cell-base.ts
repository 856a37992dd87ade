import type { Placement } from '../plan/placement.js';
import type { Expectation } from '../scenario/scenario.js';
import type { PreconditionCode } from './shared-codes.js';

/** One way a cell's target is tried. */
export interface Attempt {
  checkId: string;
  /**
   * `name`: through DNS, as an application would; `address`: straight to an IP; `published`: a host port; `tasks`:
   * a swarm service's `tasks.<service>` name, its task addresses behind the virtual IP its plain name gives.
   */
  via: 'name' | 'address' | 'published' | 'tasks';
  /** For reports: `redis:6379 by name`, `172.20.0.4:6379 (redis-1 on internal-backend)`. */
  description: string;
  /** The address family tried: IPv6 attempts count as blocked only if the probe proved it reaches a peer over IPv6. */
  family: 4 | 6;
}

/**
 * What every kind of cell has: one (source probe, target) pair and what is asked of it, the unit a judgement is given
 * for. A scenario's cells carry the expectation that asks; a drill's carry none: a drill lists what it finds, and
 * proves a "blocked" as a scenario proves a blocked expectation.
 */
export interface CellBase {
  /** Stable within the run: `<file>#<expectation index>/<probe key>/<target label>`, or `<probe key>/<target>`. */
  id: string;
  /** What is asked of the target; undefined for a drill's cell, which is asked whether the path is blocked. */
  expectation: Expectation | undefined;
  /**
   * The target as shown in reports (with the port filled in when the file left it out). A drill's is by names only
   * (`postgres:5432 on internal-backend`, `host:2375 via public-facing`, `dns:postgres`, `internet`): the same from
   * run to run and between two deployments of the same files, so a baseline can key on it.
   */
  targetLabel: string;
  /** The probe whose observations decide this cell. */
  probeKey: string;
  /** The source as reports name it (the probe's label). */
  source: string;
  attempts: Attempt[];
  /**
   * The deployment's containers this cell's verdict rests on (the target's running containers, the container a
   * service probe joined): if any of them changes during the run, a "blocked" from this cell proves nothing.
   */
  touches: string[];
  /** Why this cell cannot be decided whatever the probe sees (e.g. the target has no running container). */
  precondition: { code: PreconditionCode; text: string } | undefined;
}

/** A cell a scenario's expectation asks about. */
export interface ExpectedCell extends CellBase {
  expectation: Expectation;
}

/** What a drill's cells have besides: no expectation, and what the target belongs to. */
export interface ListedCell extends CellBase {
  expectation: undefined;
  /** What the target belongs to, for the matrix: a service (or a container run by hand), `host` or `internet`. */
  endpoint: string;
}

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
