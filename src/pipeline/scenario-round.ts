import { budgetOptions } from '../plan/budget-options.js';
import type { Engine } from '../docker/engine.js';
import type { Verdict } from '../judge/verdict.js';
import { hasExpectation, verdictOf } from '../judge/verdict-of.js';
import type { Plan } from '../plan/plan.js';
import type { Scenario } from '../scenario/scenario.js';
import { readWorld, type World } from '../topology/world.js';
import { readProxyConfigs } from '../traefik/read-proxy-config.js';
import { planScenarios, resolveScenarios } from './plan-scenarios.js';
import type { ProbeRunner } from './probe-runner.js';
import { type Round, runRound } from './round.js';

/** A round's judgements, the world it was planned on, and the verdicts of the cells with an expectation. */
export interface ScenarioRound {
  round: Round<Plan>;
  world: World;
  verdicts: Verdict[];
}

/**
 * One round of the front ends that run again and again (watch, chaos): the world read again, names resolved again,
 * each Traefik proxy's static configuration read again (a proxy re-created), planned, probed by `runner`, judged on
 * its own window.
 */
export async function scenarioRound(
  runtime: Engine,
  scenarios: Scenario[],
  runner: ProbeRunner,
  options: {
    runId: string;
    concurrency?: number | undefined;
    connectConcurrency?: number | undefined;
    lookupConcurrency?: number | undefined;
  },
): Promise<ScenarioRound> {
  const world = await readWorld(runtime, { kind: 'scenarios', scenarios });
  const resolved = resolveScenarios(scenarios, world.topology);
  const traefik = resolved.flatMap((s) => (s.traefik ? [s.traefik] : []));
  if (traefik.length > 0) world.topology.traefikConfigs = await readProxyConfigs(runtime, world.topology, traefik);
  const plan = planScenarios(resolved, world.topology, {
    runId: options.runId,
    ...budgetOptions(options),
  });
  const round = await runRound(world, plan, runner, { runtime, runId: options.runId });
  return { round, world, verdicts: round.judgements.filter(hasExpectation).map(verdictOf) };
}
