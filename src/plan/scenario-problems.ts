import { ScenarioError, type ScenarioProblem } from '../errors/scenario-error.js';
import type { Scenario } from '../scenario/scenario.js';
import { cellKind } from './cell-kind.js';

// Docker's own networks of those names: a container on `host` shares the host's namespace, one on `none` has no
// network. Neither is a zone; `test` refuses them once it reads the engine, and nothing on any engine changes that.
const NOT_ZONES: Record<string, string> = {
  host: "network 'host' is the engine host's own network namespace, not a zone containers share",
  none: "network 'none' has no network at all: nothing can be reached from it",
};

/**
 * What `test` would refuse in a scenario before it reads the engine: a target its source's placement cannot check
 * (`from: host` with a name to resolve, `from: lan` with `internet`), a source that is no zone (`{ network: host }`).
 * Thrown as one ScenarioError listing each, in line order; `validate` runs it too, so a file it passes `test` takes.
 */
export function refuseUncheckable(scenario: Scenario): void {
  const problems: ScenarioProblem[] = [];
  for (const e of scenario.expectations) {
    if (e.from.kind === 'network' && NOT_ZONES[e.from.network]) {
      problems.push({
        ...e.position,
        message: NOT_ZONES[e.from.network] ?? '',
        hint: 'name a network of the deployment, a service, or write `from: host` to knock on published ports',
      });
      continue;
    }
    if (e.from.kind !== 'host' && e.from.kind !== 'lan') continue;
    for (const target of e.to) {
      try {
        cellKind(e.from.kind, target);
      } catch (error) {
        if (!(error instanceof ScenarioError)) throw error;
        problems.push(...error.problems);
      }
    }
  }
  if (problems.length > 0) throw new ScenarioError(problems);
}
