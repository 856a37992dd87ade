import t from 'tap';
import { hasExpectation, verdictOf } from '../../src/judge/verdict-of.js';
import { coldProbeRunner } from '../../src/pipeline/probe-runner.js';
import { runRound } from '../../src/pipeline/round.js';
import { type WarmProbeChange, warmProbeRunner } from '../../src/pipeline/warm-probe-runner.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { resolveNames } from '../../src/topology/resolve-names.js';
import { readWorld } from '../../src/topology/world.js';
import { type DrillDeployment, drillDeployment } from '../fixtures/drill-deployment.js';

// The warm runner on the fake engine, whose attached containers run the real warm agent (probes/agent/warm.ts) in
// this process: a probe per placement, kept across rounds, replaced when it ends or fails a round, retired when no
// plan needs it, and every one removed at close or by the run's cleanup stack.

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
    '    to: [postgres:5432]',
    '    reachable: true',
    '',
  ].join('\n'),
  'shop.yml',
);

function setUp(d: DrillDeployment = drillDeployment()) {
  const cleanup = new CleanupStack();
  const changes: WarmProbeChange[] = [];
  const context = { runtime: d.engine, runId: 'w1', image: 'dockprobe-probe:test', cleanup };
  const runner = warmProbeRunner(
    { ...context, leaseMs: 60_000, readyTimeoutMs: 5_000 },
    { cold: coldProbeRunner(context), onChange: (c) => changes.push(c) },
  );
  const round = async () => {
    const world = await readWorld(d.engine, { kind: 'scenarios', scenarios: [SCENARIO] });
    const resolved = resolveNames(SCENARIO, world.topology);
    const plan = buildPlan(resolved.expectations, world.topology, { runId: 'w1' });
    const judged = await runRound(world, plan, runner, { runtime: d.engine, runId: 'w1' });
    return { judged, verdicts: judged.judgements.filter(hasExpectation).map(verdictOf) };
  };
  const creates = () => d.engine.calls.filter((c) => c.startsWith('containers.create'));
  return { d, cleanup, changes, runner, round, creates };
}

const statuses = (verdicts: { target: string; source: string; status: string }[]) =>
  verdicts.map((v) => `${v.source} → ${v.target} ${v.status}`);

t.test('one warm probe per placement serves every round; the DNS control resolves its own name', async (t) => {
  const { runner, round, creates, changes, d } = setUp();
  t.teardown(() => runner.close());
  const first = await round();
  t.same(statuses(first.verdicts), [
    'network public → api:3001 pass',
    'network public → postgres:5432 pass',
    'service api → postgres:5432 pass',
  ]);
  for (let i = 0; i < 4; i++) t.same(statuses((await round()).verdicts), statuses(first.verdicts));
  t.same(
    creates(),
    ['containers.create dockprobe-w1-w1', 'containers.create dockprobe-w1-w2'],
    'two probes, made once',
  );
  t.same(
    changes.map((c) => `${c.what} ${c.name}`),
    ['started dockprobe-w1-w1', 'started dockprobe-w1-w2'],
  );
  t.same(
    runner.probes().map((p) => p.rounds),
    [5, 5],
  );
  const networkProbe = first.judged.plan.probes.find((p) => p.placement.kind === 'network')!;
  const result = first.judged.results.find((r) => r.probeKey === networkProbe.key)!;
  t.equal(result.containerName, 'dockprobe-w1-w1', 'the result names the warm probe');
  t.equal(
    result.observations.get(networkProbe.controls.dnsCheckId!)?.outcome,
    'resolved',
    "the DNS control asked for the warm probe's own name",
  );
  const spec = d.engine.containers.specs.get([...runner.containerIds()][0]!)!;
  t.match(spec, {
    cmd: ['warm'],
    stdin: true,
    autoRemove: true,
    user: '65534:65534',
    labels: { 'dockprobe.run': 'w1', 'dockprobe.role': 'probe' },
  });
  t.ok(spec.memoryBytes > 0 && spec.pidsLimit > 0, 'memory and pid limits');
});

/**
 * A runner after one round whose first warm probe was then killed, once its end has been seen and the replacement it
 * leads to has started (it runs on its own, so it is waited for).
 */
async function afterAKill() {
  const s = setUp();
  await s.round();
  const [victim] = [...s.runner.containerIds()];
  s.d.engine.containers.killAttached(victim!);
  for (let i = 0; i < 500 && s.changes.length < 4; i++) await new Promise((resolve) => setTimeout(resolve, 2));
  return { ...s, victim: victim! };
}

t.test('a probe that died between rounds is replaced at once, without a round, with no verdict lost', async (t) => {
  // Its end reaches the runner through its attach, as a real probe's does: the runner replaces it with no round asked.
  const { runner, round, creates, changes, victim } = await afterAKill();
  t.teardown(() => runner.close());
  t.equal(creates().length, 3, 'one more probe, before any round');
  t.match(changes.at(-2), { what: 'replaced', name: 'dockprobe-w1-w1', why: 'it had ended' });
  t.match(changes.at(-1), { what: 'started', name: 'dockprobe-w1-w3' });
  t.notOk(runner.containerIds().has(victim), 'the dead one is out of the pool');
  t.equal(runner.probes().length, 2);
  const after = await round();
  t.ok(
    after.verdicts.every((v) => v.status === 'pass'),
    statuses(after.verdicts).join('; '),
  );
  t.equal(creates().length, 3, 'the round used the replacement: nothing more made');
});

t.test('a probe that keeps dying is replaced once between rounds, then by the next round', async (t) => {
  const { runner, round, creates, changes, d } = await afterAKill();
  t.teardown(() => runner.close());
  const again = runner.probes().find((p) => p.name === 'dockprobe-w1-w3');
  t.ok(again, 'replaced at once');
  d.engine.containers.killAttached(again!.id);
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(creates().length, 3, 'not replaced a second time before a round');
  const after = await round();
  t.ok(after.verdicts.every((v) => v.status === 'pass'));
  t.equal(creates().length, 4, 'the round replaced it');
  t.same(
    changes.slice(2).map((c) => `${c.what} ${c.name}`),
    ['replaced dockprobe-w1-w1', 'started dockprobe-w1-w3', 'replaced dockprobe-w1-w3', 'started dockprobe-w1-w4'],
  );
});

t.test('probes removed by the run stopping are not replaced', async (t) => {
  const { runner, round, creates, changes, cleanup } = setUp();
  await round();
  t.same(await cleanup.runAll(), []);
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(creates().length, 2, 'nothing made once the run stops');
  t.same(
    changes.map((c) => c.what),
    ['started', 'started'],
  );
  t.same(await runner.close(), []);
});

t.test('a probe killed mid-round fails that round inconclusive, then is replaced', async (t) => {
  const d = drillDeployment();
  const { runner, round, changes } = setUp(d);
  t.teardown(() => runner.close());
  await round();
  const agent = d.engine.containers.agent!;
  let once = true;
  d.engine.containers.agent = (plan, probe) => {
    if (once && probe.networkMode.startsWith('container:')) {
      once = false;
      // Killed while it runs the round: it prints nothing more.
      d.engine.containers.killAttached(probe.id);
      return '';
    }
    return agent(plan, probe);
  };
  const during = await round();
  const api = during.verdicts.find((v) => v.source.startsWith('service api'))!;
  t.equal(api.status, 'inconclusive', 'never blocked, never pass');
  t.equal(api.code, 'probe-failed');
  const next = await round();
  t.ok(next.verdicts.every((v) => v.status === 'pass'));
  t.match(
    changes.map((c) => c.what),
    ['started', 'started', 'replaced', 'started'],
  );
});

t.test('a re-created service gets a new probe in its new container; the old one is retired', async (t) => {
  const d = drillDeployment();
  const { runner, round, changes } = setUp(d);
  t.teardown(() => runner.close());
  await round();
  const old = d.api;
  d.engine.containers.byId.delete(old.id);
  d.engine.containers
    .add({ ...old, id: 'c-new-api'.padEnd(64, '0') }, [d.public, d.internal])
    .networks.forEach((n, i) => {
      n.ipv4 = old.networks[i]!.ipv4;
    });
  const after = await round();
  t.ok(
    after.verdicts.every((v) => v.status === 'pass'),
    statuses(after.verdicts).join('; '),
  );
  t.match(changes.at(-2), { what: 'retired' });
  t.match(changes.at(-1), { what: 'started' });
  t.equal(runner.probes().length, 2, 'still two probes');
});

t.test('close and the cleanup stack remove every warm probe', async (t) => {
  const { runner, round, d, cleanup } = setUp();
  await round();
  const ids = [...runner.containerIds()];
  t.equal(ids.length, 2);
  t.same(await runner.close(), []);
  for (const id of ids) t.notOk(d.engine.containers.byId.has(id), `${id} removed`);
  const again = setUp(d);
  await again.round();
  const more = [...again.runner.containerIds()];
  t.same(await again.cleanup.runAll(), [], 'the stack removes them (Ctrl-C, SIGTERM)');
  for (const id of more) t.notOk(d.engine.containers.byId.has(id), `${id} removed by the stack`);
  t.same(await cleanup.runAll(), [], 'nothing left on the first stack either');
});

t.test('a probe that cannot start gives its cells inconclusive, and is tried again next round', async (t) => {
  const { runner, round, d, changes } = setUp();
  t.teardown(() => runner.close());
  d.engine.faults.set('containers.create dockprobe-w1-w1', new Error('no space left on device'));
  const first = await round();
  const fromPublic = first.verdicts.filter((v) => v.source === 'network public');
  t.ok(fromPublic.every((v) => v.status === 'inconclusive' && v.code === 'probe-failed'));
  t.match(changes[0], { what: 'failed-to-start', why: /no space left on device/ });
  const second = await round();
  t.ok(second.verdicts.every((v) => v.status === 'pass'));
});
