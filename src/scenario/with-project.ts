import type { Scenario } from './scenario.js';

/** The same scenario aimed at another Compose project (`--project`): every source and service target moves. */
export function withProject(scenario: Scenario, project: string): Scenario {
  return {
    ...scenario,
    project,
    expectations: scenario.expectations.map((e) => ({
      ...e,
      from: e.from.kind === 'host' ? e.from : { ...e.from, project },
      to: e.to.map((t) => (t.kind !== 'internet' && t.host.kind === 'service' ? { ...t, host: { ...t.host, project } } : t)),
    })),
  };
}
