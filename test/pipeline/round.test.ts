import t from 'tap';
import { coldProbeRunner, type ProbeRunner } from '../../src/pipeline/probe-runner.js';
import { runRound } from '../../src/pipeline/round.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import type { ProbeResult } from '../../src/run/probe-result.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { resolveNames } from '../../src/topology/resolve-names.js';
import { readWorld } from '../../src/topology/world.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';

// A round on the fake engine (its probes run the real agent's checks against the fake deployment): each probe's cells
// judged as it ends; with keepEvidence false, its observations let go once judged and the judgements the same but for
// the evidence of every attempt.

const SCENARIO = parseScenario(
  [
    'project: shop',
    'timeout: 1s',
    'expect:',
    '  - from: { network: public }',
    '    to: [api:3001]',
    '    reachable: true',
    '  - from: { network: public }',
    '    to: [postgres:5432]',
    '    reachable: false',
    '  - from: { service: api }',
    '    to: [postgres:5432, proxy:80]',
    '    reachable: true',
    '',
  ].join('\n'),
  'shop.yml',
);

async function round(keepEvidence: boolean | undefined, told: ProbeResult[] = []) {
  const d = drillDeployment();
  const cleanup = new CleanupStack();
  const context = { runtime: d.engine, runId: 'r1', image: 'dockprobe-probe:test', cleanup };
  const cold = coldProbeRunner(context);
  // Notes what the round keeps of each result when its probe ends, before the next stage reads anything.
  const runner: ProbeRunner = {
    run: (plan, onResult) =>
      cold.run(plan, (result) => {
        onResult?.(result);
        told.push({ ...result, observations: new Map(result.observations) });
      }),
  };
  const world = await readWorld(d.engine, { kind: 'scenarios', scenarios: [SCENARIO] });
  const plan = buildPlan(resolveNames(SCENARIO, world.topology).expectations, world.topology, { runId: 'r1' });
  try {
    return await runRound(world, plan, runner, {
      runtime: d.engine,
      runId: 'r1',
      ...(keepEvidence !== undefined ? { keepEvidence } : {}),
    });
  } finally {
    await cleanup.runAll();
  }
}

const judged = (j: Awaited<ReturnType<typeof round>>['judgements'][number]) => ({
  cell: j.cell.id,
  status: j.status,
  code: j.code,
  observed: j.observed,
  reason: j.reason,
  decisive: j.decisive,
});

t.test('keepEvidence false: the same judgements but for the evidence, and no observation held', async (t) => {
  const told: ProbeResult[] = [];
  const full = await round(undefined);
  const lean = await round(false, told);
  t.ok(full.judgements.length >= 4, 'the plan has cells');
  t.same(lean.judgements.map(judged), full.judgements.map(judged), 'status, code, reason and decisive observation');
  t.same(lean.controls, full.controls, 'the controls');
  t.ok(
    full.judgements.every((j) => j.evidence.length > 0),
    'by default, every judgement keeps the evidence of its attempts',
  );
  t.ok(
    lean.judgements.every((j) => j.evidence.length === 0),
    'kept lean, none does',
  );
  t.ok(
    full.results.some((r) => r.observations.size > 0),
    'by default, the results keep what the probes saw',
  );
  t.same(
    lean.results.map((r) => r.observations.size),
    lean.results.map(() => 0),
    "kept lean, each probe's observations are let go",
  );
  t.equal(told.length, lean.results.length, 'each probe was told of as it ended');
  t.same(
    told.map((r) => r.observations.size),
    told.map(() => 0),
    'and its observations were already let go then: judged as it ended, not at the round end',
  );
});

// The window is read once the last probe's result is in, while the probes' containers are still being removed: every
// probe has ended by then. The round still ends only once they are removed, and a slot is held until its removal.
t.test('the window is read as the last probe ends, beside the removals; the round waits for them', async (t) => {
  const d = drillDeployment();
  const cleanup = new CleanupStack();
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const remove = d.engine.containers.remove.bind(d.engine.containers);
  const removing: string[] = [];
  let allRemoving: () => void = () => undefined;
  const everyRemovalBegun = new Promise<void>((resolve) => {
    allRemoving = resolve;
  });
  d.engine.containers.remove = async (id) => {
    removing.push(id);
    if (removing.length === plan.probes.length) allRemoving();
    await gate;
    return remove(id);
  };
  const runner = coldProbeRunner({ runtime: d.engine, runId: 'r1', image: 'dockprobe-probe:test', cleanup });
  const world = await readWorld(d.engine, { kind: 'scenarios', scenarios: [SCENARIO] });
  const plan = buildPlan(resolveNames(SCENARIO, world.topology).expectations, world.topology, { runId: 'r1' });
  let ended = false;
  const round = runRound(world, plan, runner, { runtime: d.engine, runId: 'r1' }).finally(() => {
    ended = true;
  });
  await everyRemovalBegun;
  try {
    t.ok(d.engine.calls.includes('events.list'), "the window was read while the probes' removals were held");
    const read = d.engine.calls.indexOf('events.list');
    t.ok(
      d.engine.calls.every((c, i) => !c.startsWith('containers.wait ') || i < read),
      "and only after every probe's wait ended",
    );
    t.notOk(ended, 'the round has not ended before its probes are removed');
  } finally {
    open();
    await round;
    await cleanup.runAll();
  }
  t.same(
    [...d.engine.containers.byId.values()].filter((c) => c.labels['dockprobe.run'] === 'r1'),
    [],
    'every probe removed when the round ends',
  );
});

t.test(
  'a runner that fails after the window read began: the round fails with its error, nothing unhandled',
  async (t) => {
    const d = drillDeployment();
    const cleanup = new CleanupStack();
    const cold = coldProbeRunner({ runtime: d.engine, runId: 'r1', image: 'dockprobe-probe:test', cleanup });
    // Every result told (the window read begins), then the runner fails; the window read fails too.
    const runner: ProbeRunner = {
      run: async (plan, onResult) => {
        const results = await cold.run(plan, onResult);
        throw new Error(`runner failed after ${results.length} results`);
      },
    };
    const world = await readWorld(d.engine, { kind: 'scenarios', scenarios: [SCENARIO] });
    const plan = buildPlan(resolveNames(SCENARIO, world.topology).expectations, world.topology, { runId: 'r1' });
    d.engine.events.list = async () => {
      throw new Error('events unreadable');
    };
    const unhandled: unknown[] = [];
    const note = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', note);
    try {
      await t.rejects(
        runRound(world, plan, runner, { runtime: d.engine, runId: 'r1' }),
        /runner failed after 2 results/,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      t.same(unhandled, [], "the window read's failure is not left unhandled");
    } finally {
      process.off('unhandledRejection', note);
      await cleanup.runAll();
    }
  },
);
