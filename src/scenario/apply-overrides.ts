import type { HostTarget, Scenario } from './scenario.js';

/** What the command line replaces in every scenario file, each already validated where it was parsed (cli/). */
export interface Overrides {
  /** `--project`: every source and service target moves to this Compose project. */
  project?: string | undefined;
  /** `--internet`: what `to: internet` stands for. */
  internet?: HostTarget[] | undefined;
  /** `--timeout`: every per-check timeout, in milliseconds. */
  timeoutMs?: number | undefined;
  /** `--retries`: further tries for checks of entries that expect reachable (never for those expecting blocked). */
  retries?: number | undefined;
}

/** The one place command-line overrides are applied: a scenario in, the scenario the run uses out. */
export function applyOverrides(scenario: Scenario, overrides: Overrides): Scenario {
  const { project, internet, timeoutMs, retries } = overrides;
  return {
    ...scenario,
    ...(project !== undefined ? { project } : {}),
    ...(internet !== undefined ? { internet } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    traefik: scenario.traefik && {
      ...scenario.traefik,
      ...(project !== undefined ? { project } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(retries !== undefined ? { retries } : {}),
    },
    expectations: scenario.expectations.map((e) => ({
      ...e,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(retries !== undefined ? { retries } : {}),
      from: project !== undefined && e.from.kind !== 'host' ? { ...e.from, project } : e.from,
      to: e.to.map((t) => {
        if (t.kind === 'internet') return internet !== undefined ? { ...t, targets: internet } : t;
        return project !== undefined && t.host.kind === 'service' ? { ...t, host: { ...t.host, project } } : t;
      }),
    })),
  };
}
