import { projectList, singleProject } from './project-list.js';
import type { HostTarget, Scenario } from './scenario.js';

/** What the command line replaces in every scenario file, each already validated where it was parsed (cli/). */
export interface Overrides {
  /**
   * `--project` (repeated or comma-separated): the Compose projects or stacks every name is looked up in, replacing
   * the file's list and every entry's own `project:`.
   */
  project?: string | readonly string[] | undefined;
  /** `--internet`: what `to: internet` stands for. */
  internet?: HostTarget[] | undefined;
  /** `--timeout`: every per-check timeout, in milliseconds. */
  timeoutMs?: number | undefined;
  /** `--retries`: further tries for checks of entries that expect reachable (never for those expecting blocked). */
  retries?: number | undefined;
}

/** The one place command-line overrides are applied: a scenario in, the scenario the run uses out. */
export function applyOverrides(scenario: Scenario, overrides: Overrides): Scenario {
  const { internet, timeoutMs, retries } = overrides;
  const projects = overrides.project === undefined ? undefined : projectList(overrides.project);
  // Every name moves to the new list: pinned to its one project, or left for resolve-names to find in several.
  const project = projects && singleProject(projects);
  const moved = projects !== undefined;
  return {
    ...scenario,
    ...(projects !== undefined ? { projects } : {}),
    ...(internet !== undefined ? { internet } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    traefik: scenario.traefik && {
      ...scenario.traefik,
      ...(moved ? { project } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(retries !== undefined ? { retries } : {}),
    },
    expectations: scenario.expectations.map((e) => ({
      ...e,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(retries !== undefined ? { retries } : {}),
      from: moved && (e.from.kind === 'network' || e.from.kind === 'service') ? { ...e.from, project } : e.from,
      to: e.to.map((t) => {
        if (t.kind === 'internet') return internet !== undefined ? { ...t, targets: internet } : t;
        return moved && t.host.kind === 'service' ? { ...t, host: { ...t.host, project } } : t;
      }),
    })),
  };
}
