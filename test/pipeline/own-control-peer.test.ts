import t from 'tap';
import { checkHost } from '../../probes/agent/protocol.js';
import { exitCodeForResult } from '../../src/cli/exit-code.js';
import { drill } from '../../src/drill/drill.js';
import { colors } from '../../src/report/colors.js';
import { prettyReport } from '../../src/report/pretty-report.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { verify } from '../../src/verify.js';
import { hasExpectation, verdictOf } from '../../src/judge/verdict-of.js';
import { coldProbeRunner } from '../../src/pipeline/probe-runner.js';
import { runRound } from '../../src/pipeline/round.js';
import { warmProbeRunner } from '../../src/pipeline/warm-probe-runner.js';
import { ControlPeers } from '../../src/run/control-peers.js';
import { readWorld } from '../../src/topology/world.js';
import { planFor } from '../fixtures/pipeline.js';
import { type DrillDeployment, drillDeployment } from '../fixtures/drill-deployment.js';
import { agentLines } from '../fixtures/observe.js';
import { documentErrors } from '../fixtures/json-documents.js';

// A service alone on its network (a mailer on a network of its own) had nothing to prove reach against: every
// "blocked" from it was inconclusive, reach-control-failed, exit 3, whatever the truth. The run now gives its probe a
// control peer of dockprobe's own on that network, through the one pipeline, so `test` and `drill` alike prove the
// silence; the peer joins only that network, is never a target, and goes with the run.

const SCENARIO = parseScenario(
  'project: shop\ntimeout: 1s\nexpect:\n  - from: { service: mailer }\n    to: [proxy:8080, postgres:5432]\n    reachable: false\n',
  'mail.yml',
);

/** The drill's deployment with `mailer` alone on a network of its own, `mail`; `leak` puts PostgreSQL on it too. */
function withMailer(
  leak = false,
): DrillDeployment & { mail: ReturnType<DrillDeployment['engine']['networks']['add']> } {
  const d = drillDeployment();
  const mail = d.engine.networks.add({
    name: 'shop_mail',
    subnets: ['172.30.0.0/16'],
    gateway: '172.30.0.1',
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.network': 'mail' },
  });
  const mailer = d.engine.containers.add(
    {
      name: 'shop-mailer-1',
      labels: {
        'com.docker.compose.project': 'shop',
        'com.docker.compose.service': 'mailer',
        'com.docker.compose.version': '2.40.3',
      },
      ports: [{ port: 2525, protocol: 'tcp', published: [], requested: [] }],
    },
    [mail],
  );
  mailer.networks[0]!.ipv4 = '172.30.0.2';
  if (leak) {
    d.postgres.networks.push({ networkId: mail.id, networkName: mail.name, ipv4: '172.30.0.3', aliases: [] });
    mail.attached.add(d.postgres.id);
  }
  return { ...d, mail };
}

/** What is left of run `runId` on the engine. */
const leftOf = (d: DrillDeployment, runId: string) =>
  [...d.engine.containers.byId.values()].filter((c) => c.labels['dockprobe.run'] === runId).map((c) => c.name);

const run = (d: DrillDeployment, runId: string) => ({ runtime: d.engine, runId, image: 'dockprobe-probe:test' });

t.test('test: the lone service, expected blocked from two services on other networks, passes (exit 0)', async (t) => {
  const d = withMailer();
  const result = await verify({ ...run(d, 'm1'), scenarios: [SCENARIO] });
  t.same(
    result.verdicts.map((v) => [v.target, v.status, v.code]),
    [
      ['proxy:8080', 'pass', 'blocked'],
      ['postgres:5432', 'pass', 'blocked'],
    ],
    result.verdicts.map((v) => v.reason).join('\n'),
  );
  t.equal(exitCodeForResult(result), 0);
  const [probe] = result.probes;
  t.match(probe!.control, {
    reach: true,
    peer: { kind: 'dockprobe', container: 'dockprobe-m1-peer-1', network: 'mail', port: 40004 },
  });
  t.match(
    probe!.control.detail,
    /reached \S+ \(refused 172\.30\.0\.\d+:40004\), dockprobe's own control peer dockprobe-m1-peer-1 \(\w+\) on network mail/,
  );

  // The peer: on the source's own network only, hardened as a probe, labelled as everything of the run.
  const created = [...d.engine.containers.specs.values()].find((s) => s.name === 'dockprobe-m1-peer-1')!;
  t.match(created, {
    networkMode: d.mail.id,
    network: d.mail.id,
    user: '65534:65534',
    memoryBytes: 128 * 1024 * 1024,
    pidsLimit: 64,
    cmd: ['serve', '--name', 'dockprobe-m1-peer-1', '--tcp', '40004', '--ready'],
    labels: { 'dockprobe.run': 'm1', 'dockprobe.role': 'control-peer', 'dockprobe.control-peer-of': 'mail' },
  });
  t.ok(created.labels['dockprobe.pid'] && created.labels['dockprobe.host'], 'with the owner cleanup needs');
  t.notOk(
    result.verdicts.some((v) => v.evidence.some((e) => e.attempt.description.includes('dockprobe-m1-peer'))),
    'never a target',
  );
  t.same(leftOf(d, 'm1'), [], 'the probe and the peer are removed');
  t.same(result.cleanupFailures, []);

  // Said in every report: the JSON document (valid against its schema), and the pretty report.
  t.same(documentErrors('dockprobe-report', { format: 'dockprobe-report', version: 1, ...result }), []);
  t.match(
    prettyReport(result, colors(false)),
    /Control peers of dockprobe's own .*\n {2}dockprobe-m1-peer-1 \(\w+\) on network mail at 172\.30\.0\.\d+:40004, for service mailer/,
  );
});

t.test(
  'test: with one of them also on its network (the leak), it fails (exit 1), against that real peer',
  async (t) => {
    const d = withMailer(true);
    const result = await verify({ ...run(d, 'm2'), scenarios: [SCENARIO] });
    t.same(
      result.verdicts.map((v) => [v.target, v.status, v.code]),
      [
        ['proxy:8080', 'pass', 'blocked'],
        ['postgres:5432', 'fail', 'reached'],
      ],
    );
    t.equal(exitCodeForResult(result), 1);
    t.match(result.probes[0]!.control.peer, { kind: 'service', service: 'postgres', container: 'shop-postgres-1' });
    t.notOk(
      [...d.engine.containers.specs.values()].some((s) => s.labels['dockprobe.role'] === 'control-peer'),
      'a running peer on the network: dockprobe adds none',
    );
  },
);

t.test('drill: the same change through the same pipeline: blocked rows, the peer named, nothing left', async (t) => {
  const d = withMailer();
  // Nothing answers on the host either (no port published there), which would otherwise stand in for a peer.
  d.postgres.ports[0]!.published = [];
  // An earlier run's control peer, left on the network: neither a target nor a peer of this run.
  d.engine.containers.add(
    { name: 'dockprobe-old-peer-1', labels: { 'dockprobe.run': 'old', 'dockprobe.role': 'control-peer' } },
    [d.mail],
  ).networks[0]!.ipv4 = '172.30.0.99';
  const result = await drill({
    ...run(d, 'm3'),
    from: { kind: 'service', service: 'mailer' },
    // The port control peers listen on, tried at every address in scope.
    ports: [40004],
    hostPorts: false,
    internet: [],
  });
  const rows = result.rows.filter((r) => r.kind === 'port' && r.via === 'container');
  t.ok(rows.length > 0);
  t.same(
    rows.filter((r) => r.status !== 'blocked').map((r) => `${r.target} ${r.code}: ${r.reason}`),
    [],
    'every address of another network: blocked, never inconclusive',
  );
  t.match(result.probes[0], { reach: true, controlPeer: { kind: 'dockprobe', container: 'dockprobe-m3-peer-1' } });
  t.notOk(
    result.rows.some((r) => r.target.includes('dockprobe-') || r.target.includes('172.30.0.99')),
    'no control peer is ever a target',
  );
  t.same(documentErrors('dockprobe-drill', { format: 'dockprobe-drill', version: 1, ...result }), []);
  t.same(leftOf(d, 'm3'), []);
});

t.test('a network that refuses the peer: inconclusive, saying why and what to do; nothing left', async (t) => {
  const d = withMailer();
  d.engine.faults.set(
    'containers.create dockprobe-m4-peer-1',
    Object.assign(new Error('no available IPv4 addresses on this network'), { statusCode: 403 }),
  );
  const result = await verify({ ...run(d, 'm4'), scenarios: [SCENARIO] });
  t.same(
    result.verdicts.map((v) => [v.status, v.code]),
    [
      ['inconclusive', 'no-control-peer'],
      ['inconclusive', 'no-control-peer'],
    ],
  );
  t.match(
    result.verdicts[0]!.reason,
    /no running peer on its network and no target expected reachable, and dockprobe could not add a control peer to network mail: .*no available IPv4 addresses.*; any running container on mail is a peer too/,
  );
  t.equal(exitCodeForResult(result), 3);
  t.same(result.probes[0]!.control.peer, undefined);
  t.same(leftOf(d, 'm4'), []);
});

t.test(
  'a peer that answered but the probe never reached: reach-control-failed (a control tried and failed), not no-control-peer',
  async (t) => {
    const d = withMailer();
    d.engine.containers.agent = (plan) =>
      agentLines(plan, (check) =>
        check.kind === 'dns'
          ? { outcome: 'resolved', addresses: ['172.30.0.2'] }
          : { outcome: 'timeout', address: checkHost(check), port: 1, errorCode: 'ETIMEDOUT' },
      );
    const result = await verify({ ...run(d, 'm10'), scenarios: [SCENARIO] });
    t.same(
      result.verdicts.map((v) => [v.status, v.code]),
      [
        ['inconclusive', 'reach-control-failed'],
        ['inconclusive', 'reach-control-failed'],
      ],
    );
    t.match(result.probes[0]!.control.detail, /but nothing in its run 2 among the checks \(x timeout\)/);
    t.same(result.probes[0]!.control.noPeer, undefined);
    t.same(leftOf(d, 'm10'), []);
  },
);

t.test('a peer that never answers: given up within the probe grace, inconclusive, removed', async (t) => {
  const d = withMailer();
  d.engine.containers.logOutput.set('dockprobe-m5-peer-1', { stdout: '' });
  const result = await verify({ ...run(d, 'm5'), scenarios: [SCENARIO], probeGraceMs: 300 });
  t.equal(result.verdicts[0]!.code, 'no-control-peer');
  t.match(
    result.verdicts[0]!.reason,
    /control peer dockprobe-m5-peer-1 \(\w+\) did not answer on network mail within 300ms \(--probe-grace\)/,
  );
  t.same(leftOf(d, 'm5'), []);
});

t.test('--repeat: one peer for every round; one that died between rounds is replaced; all removed', async (t) => {
  const d = withMailer();
  const result = await verify({ ...run(d, 'm6'), scenarios: [SCENARIO], repeat: 2 });
  t.same(
    result.verdicts.map((v) => v.code),
    ['blocked', 'blocked'],
  );
  t.same(
    d.engine.calls.filter((c) => c.startsWith('containers.create dockprobe-m6-peer')),
    ['containers.create dockprobe-m6-peer-1'],
    'made once, kept for the second round',
  );

  const dies = withMailer();
  const agent = dies.engine.containers.agent!;
  dies.engine.containers.agent = (plan, probe) => {
    // The peer dies as the first round's probe ends.
    for (const c of dies.engine.containers.byId.values())
      if (c.name === 'dockprobe-m7-peer-1') Object.assign(c, { state: 'exited', running: false });
    return agent(plan, probe);
  };
  const again = await verify({ ...run(dies, 'm7'), scenarios: [SCENARIO], repeat: 2 });
  t.same(
    dies.engine.calls.filter((c) => c.startsWith('containers.create dockprobe-m7-peer')),
    ['containers.create dockprobe-m7-peer-1', 'containers.create dockprobe-m7-peer-2'],
    'replaced for the second round',
  );
  t.same(
    again.probes.map((p) => [p.round, p.control.peer?.kind === 'dockprobe' ? p.control.peer.container : undefined]),
    [
      [1, 'dockprobe-m7-peer-1'],
      [2, 'dockprobe-m7-peer-2'],
    ],
  );
  t.same(leftOf(dies, 'm7'), []);
});

t.test('a signal while the peer starts: the run stops, the peer is removed, nothing left', async (t) => {
  const d = withMailer();
  const cleanup = new CleanupStack();
  const logs = d.engine.containers.logs.bind(d.engine.containers);
  d.engine.containers.logs = async (id) => {
    // Ctrl-C: the CLI's handler runs the cleanup stack the run's stack hangs from.
    void cleanup.runAll();
    return logs(id);
  };
  const result = await verify({ ...run(d, 'm8'), scenarios: [SCENARIO], cleanup });
  t.ok(result.verdicts.every((v) => v.status === 'inconclusive'));
  await cleanup.runAll();
  t.same(leftOf(d, 'm8'), []);
});

t.test(
  'a service in the namespace of another (network_mode: container:): inconclusive, saying what to do',
  async (t) => {
    const d = withMailer();
    d.engine.containers.add({
      name: 'shop-sidecar-1',
      labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'sidecar' },
      networkMode: `container:${d.api.id}`,
    });
    const scenario = parseScenario(
      'project: shop\ntimeout: 1s\nexpect:\n  - from: { service: sidecar }\n    to: [postgres:5432]\n    reachable: false\n',
      'sidecar.yml',
    );
    const result = await verify({ ...run(d, 'm9'), scenarios: [scenario] });
    t.same(
      result.verdicts.map((v) => [v.status, v.code]),
      [['inconclusive', 'no-control-peer']],
    );
    t.match(
      result.verdicts[0]!.reason,
      /shares the network namespace of service api \(shop-api-1\) \(network_mode: container:\).*probe from service api \(from: \{ service: api \}\)/,
    );
    t.notOk(
      d.engine.calls.some((c) => c.includes('-peer-')),
      'no peer tried',
    );
    t.same(leftOf(d, 'm9'), []);
  },
);

t.test('watch: warm probes get the same peer, kept across rounds and removed with the run', async (t) => {
  const d = withMailer();
  const cleanup = new CleanupStack();
  const context = { runtime: d.engine, runId: 'm9', image: 'dockprobe-probe:test', cleanup };
  const runner = warmProbeRunner(
    { ...context, leaseMs: 60_000, readyTimeoutMs: 5_000 },
    { cold: coldProbeRunner(context) },
  );
  const round = async () => {
    const world = await readWorld(d.engine, { kind: 'scenarios', scenarios: [SCENARIO] });
    const judged = await runRound(world, planFor(SCENARIO, world.topology, { runId: 'm9' }), runner, {
      runtime: d.engine,
      runId: 'm9',
    });
    return judged;
  };
  for (let i = 0; i < 2; i++) {
    const judged = await round();
    t.same(
      judged.judgements
        .filter(hasExpectation)
        .map(verdictOf)
        .map((v) => [v.target, v.status, v.code]),
      [
        ['proxy:8080', 'pass', 'blocked'],
        ['postgres:5432', 'pass', 'blocked'],
      ],
      `round ${i + 1}: proven against dockprobe's own peer`,
    );
    t.match(judged.results[0]!.controlPeer, { status: 'ready', container: 'dockprobe-m9-peer-1' });
  }
  t.equal(
    [...d.engine.containers.specs.values()].filter((s) => s.labels['dockprobe.role'] === 'control-peer').length,
    1,
    'one peer for both rounds',
  );
  // A running container joins the network: the next round proves reach against it, and dockprobe's own peer goes (a
  // killed watch would otherwise leave it running, with no lease to end it).
  d.engine.containers.add(
    {
      name: 'shop-relay-1',
      labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'relay' },
      ports: [{ port: 25, protocol: 'tcp', published: [], requested: [] }],
    },
    [d.mail],
  ).networks[0]!.ipv4 = '172.30.0.7';
  const third = await round();
  t.match(third.results[0]!.controlPeer, undefined, 'no peer of its own needed');
  t.same(
    leftOf(d, 'm9').filter((name) => name.includes('-peer-')),
    [],
    'the peer no probe needs any more is removed at the end of the round',
  );
  t.same(await runner.close(), []);
  t.same(await cleanup.runAll(), [], "the run's cleanup stack frees what is left");
  t.same(leftOf(d, 'm9'), [], 'the warm probe and the peer are removed');
});

t.test('watch: the warm and cold runners share one pool of peers, and close() removes them', async (t) => {
  const d = withMailer();
  const cleanup = new CleanupStack();
  const context = { runtime: d.engine, runId: 'm8', image: 'dockprobe-probe:test', cleanup };
  const controlPeers = new ControlPeers({ ...context, readyTimeoutMs: 5_000 });
  const runner = warmProbeRunner(
    { ...context, leaseMs: 60_000, readyTimeoutMs: 5_000 },
    { cold: coldProbeRunner(context, { controlPeers }), controlPeers },
  );
  const world = await readWorld(d.engine, { kind: 'scenarios', scenarios: [SCENARIO] });
  const judged = await runRound(world, planFor(SCENARIO, world.topology, { runId: 'm8' }), runner, {
    runtime: d.engine,
    runId: 'm8',
  });
  t.match(judged.results[0]!.controlPeer, { status: 'ready', container: 'dockprobe-m8-peer-1' });
  // The cold runner asks the same pool: the network's peer is the one the warm probe used, not a second.
  const coldAnswer = await controlPeers.forRound()({ id: d.mail.id, name: 'mail' });
  t.match(coldAnswer, { status: 'ready', container: 'dockprobe-m8-peer-1' });
  t.same(await runner.close(), []);
  t.same(leftOf(d, 'm8'), [], 'the warm probe and the peer are removed by close(), before the run ends');
  t.same(await cleanup.runAll(), []);
});
