import t from 'tap';
import { checkHost } from '../probes/agent/protocol.js';
import { parseScenario } from '../src/scenario/parse-scenario.js';
import { verify } from '../src/verify.js';
import { FakeEngine } from './fixtures/fake-engine.js';
import { agentLines } from './fixtures/observe.js';
import { ZONES_FILE } from './fixtures/zones-topology.js';

// The whole pipeline on the fake engine: topology from Compose labels, plan, probes created, started, waited on and
// removed, the agent's lines read, the deployment re-read, verdicts judged. The agent here answers like a healthy
// zone: names on public-facing resolve there and connect; the rest does not resolve or times out.

const compose = (service: string) => ({
  'com.docker.compose.project': 'shop',
  'com.docker.compose.service': service,
  'com.docker.compose.version': '2.40.3',
});

function deployment() {
  const engine = new FakeEngine();
  const publicNet = engine.networks.add({
    name: 'shop_public-facing',
    subnets: ['172.18.0.0/16'],
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.network': 'public-facing' },
  });
  const internal = engine.networks.add({
    name: 'shop_internal-backend',
    internal: true,
    subnets: ['172.19.0.0/16'],
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.network': 'internal-backend' },
  });
  const proxy = engine.containers.add(
    {
      name: 'shop-proxy-1',
      labels: compose('proxy'),
      ports: [{ port: 8080, protocol: 'tcp', published: [], requested: [] }],
    },
    [publicNet],
  );
  proxy.networks[0]!.ipv4 = '172.18.0.2';
  const redis = engine.containers.add(
    {
      name: 'shop-redis-1',
      labels: compose('redis'),
      ports: [{ port: 6379, protocol: 'tcp', published: [], requested: [] }],
    },
    [internal],
  );
  redis.networks[0]!.ipv4 = '172.19.0.2';
  engine.containers.agent = (plan) =>
    agentLines(
      plan,
      (check) => {
        const host = checkHost(check);
        if (host === 'proxy' || host === '172.18.0.2' || host.startsWith('dockprobe-'))
          return check.kind === 'dns'
            ? { outcome: 'resolved', addresses: ['172.18.0.9'] }
            : { outcome: 'open', address: '172.18.0.2', port: 8080 };
        if (/^\d/.test(host)) return { outcome: 'timeout', address: host, port: 6379 };
        return { outcome: 'nxdomain', errorCode: 'ENOTFOUND' };
      },
      '172.18.0.9',
    );
  return { engine, redis };
}

const scenario = parseScenario(
  `project: shop\ntimeout: 1s\nexpect:\n  - from: { network: public-facing }\n    to: [proxy:8080]\n    reachable: true\n  - from: { network: public-facing }\n    to: [redis:6379]\n    reachable: false\n`,
  'shop.yml',
);

t.test('a healthy zone: every verdict with its code, the Compose version named, no probe left', async (t) => {
  const { engine } = deployment();
  const result = await verify({ scenarios: [scenario], runtime: engine, image: 'dockprobe-probe:test', runId: 'u1' });
  t.same(
    result.verdicts.map((v) => [v.target, v.status, v.code]),
    [
      ['proxy:8080', 'pass', 'reached'],
      ['redis:6379', 'pass', 'blocked'],
    ],
  );
  t.same(result.compose, ['2.40.3']);
  t.ok(result.probes.every((p) => p.control.dns && p.control.reach));
  t.same(
    [...engine.containers.byId.values()].filter((c) => c.labels['dockprobe.run'] === 'u1'),
    [],
    'the probe was removed',
  );
  t.same(result.cleanupFailures, []);
});

t.test('a target that stops while the probe runs: the blocked cell is inconclusive, world-changed', async (t) => {
  const { engine, redis } = deployment();
  const agent = engine.containers.agent!;
  engine.containers.agent = (plan, container) => {
    Object.assign(redis, { state: 'exited', running: false });
    return agent(plan, container);
  };
  const lines: string[] = [];
  const result = await verify({
    scenarios: [scenario],
    runtime: engine,
    image: 'dockprobe-probe:test',
    runId: 'u2',
    log: (l) => lines.push(l),
  });
  t.same(
    result.verdicts.map((v) => [v.target, v.status, v.code]),
    [
      ['proxy:8080', 'pass', 'reached'],
      ['redis:6379', 'inconclusive', 'world-changed'],
    ],
  );
  t.ok(lines.includes('changed during the run: shop-redis-1 is exited (it was running)'));
});

t.test('--repeat keeps the probes of every round; overrides reach every expectation', async (t) => {
  const { engine } = deployment();
  const result = await verify({
    scenarios: [scenario],
    runtime: engine,
    image: 'dockprobe-probe:test',
    runId: 'u3',
    repeat: 2,
    timeoutMs: 300,
  });
  t.same(
    result.probes.map((p) => [p.round, p.container]),
    [
      [1, 'dockprobe-u3-1'],
      [2, 'dockprobe-u3-1-r2'],
    ],
  );
  const created = [...engine.containers.specs.values()].map((s) => s.name);
  t.same(created, ['dockprobe-u3-1', 'dockprobe-u3-1-r2']);
  t.match(result.verdicts[1]!.reason, /\(2\/2 rounds passed\)$/);
});

// --node-engine: the probe image reaches a node a job goes to through that node's own engine, before the job.
t.test(
  'a job on a node without the probe image: loaded there first through --node-engine, then the job runs',
  async (t) => {
    const { swarmDeployment } = await import('./fixtures/swarm-deployment.js');
    const { engine } = swarmDeployment();
    engine.containers.agent = (plan) =>
      agentLines(plan, (check) =>
        check.kind === 'dns'
          ? { outcome: 'resolved', addresses: ['10.0.1.3'] }
          : { outcome: 'open', address: '10.0.1.3', port: 3001 },
      );
    const image = 'dockprobe-probe:test';
    engine.swarm.nodesWithoutImage.add('node-b');
    const nodeB = new FakeEngine();
    nodeB.system.answer = { ...nodeB.system.answer, swarm: true, swarmNodeId: 'node-b' };
    nodeB.images.missing.add(image);
    const load = nodeB.images.load.bind(nodeB.images);
    // The manager's view of node-b follows its engine: once loaded, the swarm no longer rejects the task there.
    nodeB.images.load = async (tar, timeoutMs, reference) => {
      await load(tar, timeoutMs, reference);
      engine.swarm.nodesWithoutImage.delete('node-b');
    };
    const apiScenario = parseScenario(
      'project: [glasck, glasck-app]\ntimeout: 1s\nexpect:\n  - from: { network: public-facing }\n    to: [api:3001]\n    reachable: true\n',
      'swarm.yml',
    );
    const lines: string[] = [];
    const endpoints: string[] = [];
    const result = await verify({
      scenarios: [apiScenario],
      runtime: engine,
      image,
      runId: 'u9',
      nodes: ['vps-2'],
      nodeEngines: { 'vps-2': 'unix:///b.sock' },
      nodeRuntime: (endpoint) => {
        endpoints.push(endpoint);
        return nodeB;
      },
      log: (m) => lines.push(m),
    });
    t.same(endpoints, ['unix:///b.sock']);
    t.match(
      lines.join('\n'),
      /probe image dockprobe-probe:test loaded into node vps-2 in \d+ ms \(unix:\/\/\/b\.sock\)/,
    );
    t.same(
      result.verdicts.map((v) => [v.source, v.status, v.code]),
      [['network public-facing @ vps-2', 'pass', 'reached']],
      JSON.stringify(result.probes.map((p) => p.error)),
    );

    // Without --node-engine the same job is rejected: its row is inconclusive and says what to do, never blocked.
    engine.swarm.nodesWithoutImage.add('node-b');
    const without = await verify({ scenarios: [apiScenario], runtime: engine, image, runId: 'u10', nodes: ['vps-2'] });
    t.match(
      without.verdicts.map((v) => [v.status, v.code]),
      [['inconclusive', String]],
    );
    t.match(without.probes[0]?.error, /--node-engine NODE=ENDPOINT/);

    await t.rejects(
      verify({
        scenarios: [apiScenario],
        runtime: engine,
        image,
        runId: 'u11',
        nodes: ['vps-2'],
        nodeEngines: { 'vps-9': 'unix:///b.sock' },
      }),
      { code: 'DP_USAGE', message: /--node-engine: no node 'vps-9' in the swarm \(nodes: vps-1, vps-2\)/ },
    );
  },
);

t.test(
  'rules: the static answer is said before any probe, then each rule is checked live as its own cells',
  async (t) => {
    const { engine } = deployment();
    // The containers name the Compose file they came from; zones.yml has proxy on public-facing too.
    for (const c of engine.containers.byId.values()) c.labels['com.docker.compose.project.config_files'] = ZONES_FILE;
    const rules = parseScenario(
      'project: shop\ntimeout: 1s\nrules:\n  - never: { from: { network: public-facing }, to: proxy:8080 }\n  - only: { to: redis:6379, from: [proxy] }\n',
      'rules.yml',
    );
    const said: string[] = [];
    const result = await verify({
      scenarios: [rules],
      runtime: engine,
      image: 'dockprobe-probe:test',
      runId: 'u5',
      log: (l) => said.push(l),
      warn: (m) => said.push(`warn: ${m}`),
    });
    const warned = said.filter((l) => l.startsWith('warn: '));
    t.same(
      warned.map((w) => w.split('\n')),
      [
        [
          'warn: rule 1 (network public-facing never reaches proxy:8080) at rules.yml:4:5 is contradicted by the deployment: proxy is on public-facing',
          `  ${ZONES_FILE}:11:16: networks: [public-facing]`,
        ],
        [
          'warn: rule 2 (only proxy reaches redis:6379) at rules.yml:5:5 is contradicted by the deployment: proxy shares no network with redis (proxy is on public-facing; redis on internal-backend)',
          `  ${ZONES_FILE}:11:5: networks: [public-facing]`,
          `  ${ZONES_FILE}:5:3: networks: [internal-backend]`,
        ],
        [
          'warn: rule 2 (only proxy reaches redis:6379) at rules.yml:5:5 is contradicted by the deployment: redis is on internal-backend',
          `  ${ZONES_FILE}:5:14: networks: [internal-backend]`,
        ],
      ],
    );
    t.ok(said.indexOf(warned[2]!) < said.findIndex((l) => l.startsWith('starting ')), 'said before any probe starts');
    t.same(
      result.staticFindings.map((f) => [f.code, f.rule, f.location]),
      [
        ['rule-contradicted-by-topology', 1, 'rules.yml:4:5'],
        ['rule-contradicted-by-topology', 2, 'rules.yml:5:5'],
        ['rule-contradicted-by-topology', 2, 'rules.yml:5:5'],
      ],
    );
    // The agent here answers only on public-facing: a probe anywhere else fails its controls, and its cells are
    // inconclusive, never passed unproven.
    t.same(
      result.verdicts.map((v) => [v.expectation, v.source, v.target, v.status, v.location]),
      [
        [
          'rule 1 (network public-facing never reaches proxy:8080)',
          'network public-facing',
          'proxy:8080',
          'fail',
          'rules.yml:4:5',
        ],
        [
          'rule 2 (only proxy reaches redis:6379): proxy reaches redis:6379',
          'service proxy',
          'redis:6379',
          'inconclusive',
          'rules.yml:5:5',
        ],
        [
          'rule 2 (only proxy reaches redis:6379): network internal-backend does not reach redis:6379',
          'network internal-backend',
          'redis:6379',
          'inconclusive',
          'rules.yml:5:5',
        ],
        [
          'rule 2 (only proxy reaches redis:6379): network public-facing does not reach redis:6379',
          'network public-facing',
          'redis:6379',
          'pass',
          'rules.yml:5:5',
        ],
      ],
      'the live verdicts are the real ones, each named after its rule',
    );
  },
);

t.test(
  '--repeat keeps the cells of two files apart, even where their entries read alike (the inferred scenario and a file)',
  async (t) => {
    const { engine } = deployment();
    const other = parseScenario(
      'project: shop\nexpect:\n  - from: { network: public-facing }\n    to: [proxy:8080]\n    reachable: true\n',
      'other.yml',
    );
    const result = await verify({
      scenarios: [scenario, other],
      runtime: engine,
      image: 'dockprobe-probe:test',
      runId: 'u6',
      repeat: 2,
    });
    t.same(
      result.verdicts.map((v) => [v.location, v.target, v.status]),
      [
        ['shop.yml:4:5', 'proxy:8080', 'pass'],
        ['shop.yml:7:5', 'redis:6379', 'pass'],
        ['other.yml:3:5', 'proxy:8080', 'pass'],
      ],
    );
    const [first, , second] = result.verdicts;
    t.equal(
      second!.evidence.length,
      first!.evidence.length,
      "each cell holds its own two rounds' attempts, not another file's too",
    );
    t.match(second!.reason, /\(2\/2 rounds passed\)$/);
  },
);

// What needs no scenario (the engine's description and networks, the probe image's presence) is asked for while the
// scenarios load; each failure is still said in the order the steps run: the scenario's, the deployment's, the image's.
t.test('the reads that need no scenario overlap its load, and their failures wait their turn', async (t) => {
  const { engine } = deployment();
  await verify({ scenarios: [scenario], runtime: engine, image: 'dockprobe-probe:test', runId: 'u7' });
  const first = (call: string) => engine.calls.indexOf(call);
  t.ok(first('images.exists dockprobe-probe:test') >= 0, 'the image was asked for');
  t.ok(
    first('images.exists dockprobe-probe:test') < first('containers.list'),
    "the image's presence is asked before the deployment's containers are listed, not after the deployment's read",
  );

  const down = deployment().engine;
  down.faults.set('system.info', new Error('engine down'));
  down.faults.set('networks.list', new Error('engine down'));
  await t.rejects(
    verify({ scenarios: ['/nonexistent/isolation.yml'], runtime: down, image: 'dockprobe-probe:test', runId: 'u8' }),
    { message: /nonexistent\/isolation\.yml/ },
    'a scenario that does not load is said, not the engine read begun meanwhile',
  );
  await t.rejects(
    verify({ scenarios: [scenario], runtime: down, image: 'dockprobe-probe:test', runId: 'u9' }),
    { message: 'engine down' },
    'then the engine',
  );

  const noImage = deployment().engine;
  noImage.images.missing.add('missing:1');
  const elsewhere = parseScenario(
    'project: nope\nexpect:\n  - from: { network: a }\n    to: [b:1]\n    reachable: true\n',
    'nope.yml',
  );
  await t.rejects(
    verify({ scenarios: [elsewhere], runtime: noImage, image: 'missing:1', runId: 'u10' }),
    { name: 'UnknownNameError' },
    'an unknown project is said before a missing --image',
  );
  await t.rejects(
    verify({ scenarios: [scenario], runtime: noImage, image: 'missing:1', runId: 'u11' }),
    { message: /probe image missing:1 is not on the engine/ },
    'and the missing image once the deployment is read',
  );
});
