import { buildPlan, type PlanOptions } from '../plan/build-plan.js';
import type { Plan } from '../plan/plan.js';
import { refuseHostSources } from '../plan/refuse-host-perspectives.js';
import { expandOnlyRules } from '../rules/expand-only-rules.js';
import type { Scenario } from '../scenario/scenario.js';
import { resolveNames } from '../topology/resolve-names.js';
import type { Topology } from '../topology/topology.js';

/**
 * What scenarios ask of this deployment: each name pinned to the project (or stack) that holds it, so planning sees one
 * project per name, then the rest of each `only` rule, which only the deployment can say (who else is there to rule
 * out). Throws a ScenarioError for a name no project holds, for `from: host` or `from: lan` on a remote engine, and for `from: lan`
 * on a rootless one.
 */
export function resolveScenarios(scenarios: readonly Scenario[], topology: Topology): Scenario[] {
  refuseHostSources(scenarios, topology.engine);
  return scenarios.map((s) => expandOnlyRules(resolveNames(s, topology), topology));
}

/** One round's probe plan for resolved scenarios: their expectations and their Traefik route checks. */
export function planScenarios(resolved: readonly Scenario[], topology: Topology, options: PlanOptions): Plan {
  return buildPlan(
    resolved.flatMap((s) => s.expectations),
    topology,
    options,
    resolved.flatMap((s) => (s.traefik ? [s.traefik] : [])),
  );
}
