import t from 'tap';
import type { Observation } from '../../probes/agent/protocol.js';
import { exitCodeForDrill } from '../../src/cli/exit-code.js';
import { drill, type DrillOptions } from '../../src/drill/drill.js';
import type { DrillResult, DrillRow } from '../../src/drill/drill-result.js';
import { jsonDrillReport } from '../../src/drill/json-drill-report.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';

// The whole drill on the fake engine: the engine read, the plan, probes created, started, waited on and removed, the
// agent's lines read, the deployment re-read, every target judged. The agent answers as the network would
// (test/fixtures/drill-deployment.ts).

const INTERNET = ['tcp://192.0.2.1:443'];
const run = (engine: DrillOptions['runtime'], options: Partial<DrillOptions> = {}) =>
  drill({
    from: { kind: 'service', service: 'proxy' },
    runtime: engine!,
    image: 'dockprobe-probe:test',
    runId: 'd1',
    internet: INTERNET,
    ...options,
  });
const by = (result: DrillResult, status: DrillRow['status']) =>
  result.rows.filter((r) => r.status === status).map((r) => r.target);

t.test('a drill from the proxy lists exactly what it can reach and nothing it cannot', async (t) => {
  const { engine } = drillDeployment();
  const result = await run(engine, { ports: [2375, 5432] });
  t.same(
    by(result, 'reached'),
    [
      'host:2375 via public',
      'postgres:5432 published on the host, via public',
      'api:3001 on public',
      'internet',
      'dns:api',
    ],
    'riskiest first: the Docker API on the host, the published database, the API, egress, a name',
  );
  t.same(
    by(result, 'path-open'),
    ['api:2375 on public', 'api:5432 on public', 'host:5432 via public'],
    'addresses that answer where nothing listens',
  );
  t.same(
    by(result, 'blocked'),
    [
      'api:2375 on internal',
      'legacy-db:2375 on legacy',
      'postgres:2375 on internal',
      'api:5432 on internal',
      'legacy-db:3306 on legacy',
      'legacy-db:5432 on legacy',
      'postgres:5432 on internal',
      'api:3001 on internal',
      'dns:postgres',
    ],
    'the networks the proxy is not on, by address; a name it cannot resolve',
  );
  t.same(by(result, 'inconclusive'), []);
  t.notOk(
    result.rows.some((r) => r.target.startsWith('proxy')),
    'the proxy is not its own target, nor its own published port',
  );
  t.notOk(
    result.rows.some((r) => r.address === '172.18.0.9'),
    "an earlier run's probe is not a target",
  );
  t.same(
    result.tried.noAddress,
    ['node-exporter (network_mode host)'],
    'a container with no address of its own is named, not tried',
  );
  t.match(result.tried, { containers: 3, addresses: 4, names: 2, gateways: 1, published: 1, internet: 1 });
  t.equal(exitCodeForDrill(result), 0);
  t.same(
    [...engine.containers.byId.values()].filter((c) => c.labels['dockprobe.run'] === 'd1'),
    [],
    'every probe removed',
  );
});

t.test(
  'containers the source shares no network with are tried at every address, on exposed and listed ports',
  async (t) => {
    const { engine } = drillDeployment();
    const result = await run(engine, { ports: [22], hostPorts: false });
    const legacy = result.rows.filter((r) => r.endpoint === 'legacy-db');
    t.same(
      legacy.map((r) => [r.address, r.port, r.network, r.status, r.code]),
      [
        ['10.9.0.2', 3306, 'legacy', 'blocked', 'no-answer'],
        ['10.9.0.2', 22, 'legacy', 'blocked', 'no-answer'],
      ],
    );
    t.same(
      result.rows.filter((r) => r.endpoint === 'api' && r.kind === 'port').map((r) => r.target),
      ['api:22 on internal', 'api:22 on public', 'api:3001 on internal', 'api:3001 on public'],
      "both of the API's addresses",
    );
    t.notOk(
      result.rows.some((r) => r.via === 'host'),
      '--no-host-ports: the host on its published ports only',
    );
    t.ok(result.rows.some((r) => r.via === 'published'));
  },
);

t.test('rows: risk, evidence, stable order, versioned JSON', async (t) => {
  const { engine } = drillDeployment();
  const result = await run(engine, { ports: [2375, 5432] });
  t.match(result.bounds, {
    concurrency: 32,
    connectConcurrency: 128,
    lookupConcurrency: 64,
    attemptsPerCheck: 1,
    timeoutMs: 1000,
    probesAtOnce: 16,
    maxChecks: 10000,
    ports: [2375, 5432],
    hostPorts: true,
  });
  const docker = result.rows.find((r) => r.status === 'reached')!;
  t.match(docker, {
    source: 'service proxy',
    target: 'host:2375 via public',
    endpoint: 'host',
    kind: 'port',
    via: 'host',
    risk: { kind: 'docker-api', rank: 0, name: 'Docker API (plain HTTP)' },
    address: '172.18.0.1',
    port: 2375,
    status: 'reached',
    code: 'reached',
  });
  t.match(docker.evidence, { outcome: 'open', address: '172.18.0.1', port: 2375, latencyMs: 2 });
  const published = result.rows.find((r) => r.via === 'published')!;
  t.match(published, {
    risk: { kind: 'database', name: 'PostgreSQL' },
    port: 32769,
    published: { container: 'shop-postgres-1', port: 5432, binding: 'all interfaces (*:32769)', allInterfaces: true },
  });
  // Another run, another order of probes and observations: the same rows in the same order.
  const again = await run(engine, { ports: [2375, 5432], runId: 'd2' });
  t.same(
    again.rows.map((r) => r.target),
    result.rows.map((r) => r.target),
  );
  const json = JSON.parse(jsonDrillReport(result)) as DrillResult;
  t.same(Object.keys(json).slice(0, 4), ['format', 'version', 'runId', 'from'], 'the envelope first');
  t.match(json, { format: 'dockprobe-drill', version: 1 });
  t.equal(json.from, 'service proxy');
  t.same(json.summary, { reached: 5, pathOpen: 3, blocked: 9, inconclusive: 0 });
});

t.test('fail closed: a probe that did not start gives inconclusive rows, never "not reached"; exit 3', async (t) => {
  const { engine } = drillDeployment();
  engine.faults.set('containers.create dockprobe-d1-1', new Error('no space left on device'));
  const result = await run(engine, { ports: [] });
  t.ok(result.rows.length > 0);
  t.same(
    [...new Set(result.rows.map((r) => `${r.status} ${r.code} ${r.probeErrorCode}`))],
    ['inconclusive probe-failed not-started'],
  );
  t.same(
    result.probes.map((p) => [p.status, p.errorCode]),
    [['failed', 'not-started']],
  );
  t.match(result.rows[0]!.reason, /did not start: no space left on device/);
  t.equal(exitCodeForDrill(result), 3);
});

t.test('fail closed: a name that does not resolve while the DNS control failed is inconclusive', async (t) => {
  const { engine } = drillDeployment();
  const agent = engine.containers.agent!;
  engine.containers.agent = (plan, probe) =>
    agent({ ...plan, checks: plan.checks.map((c) => (c.kind === 'dns' ? { ...c, name: 'nowhere' } : c)) }, probe);
  const result = await run(engine, { ports: [] });
  t.same(
    result.rows.filter((r) => r.kind === 'name').map((r) => [r.target, r.status, r.code]),
    [
      ['dns:api', 'inconclusive', 'dns-control-failed'],
      ['dns:postgres', 'inconclusive', 'dns-control-failed'],
    ],
  );
  t.equal(result.rows.find((r) => r.target === 'api:3001 on public')!.status, 'reached', 'an address still answers');
});

t.test('a target that stops during the drill: its "blocked" becomes inconclusive, world-changed', async (t) => {
  const { engine, postgres } = drillDeployment();
  const agent = engine.containers.agent!;
  engine.containers.agent = (plan, probe) => {
    const lines = agent(plan, probe);
    Object.assign(postgres, { state: 'exited', running: false });
    return lines;
  };
  const result = await run(engine, { ports: [] });
  const row = result.rows.find((r) => r.target === 'postgres:5432 on internal')!;
  t.match(row, { status: 'inconclusive', code: 'world-changed' });
  t.match(row.reason, /shop-postgres-1 is exited \(it was running\)/);
});

t.test(
  'fail closed under load: a container port silent while its address answered the same probe on another port is never "blocked"',
  async (t) => {
    const { engine } = drillDeployment();
    const agent = engine.containers.agent!;
    // The API's address is silent on 5432, where its kernel would refuse (as a listener whose backlog is full under
    // load drops the attempt): its answers on the other ports prove the path. The host's 5432 is silent too, as behind
    // a host firewall.
    engine.containers.agent = (plan, probe) =>
      agent(plan, probe)
        .split('\n')
        .map((line) => {
          const { observation: o } = JSON.parse(line) as { observation?: Observation };
          const silenced =
            o &&
            !plan.controls.includes(o.id.split('@')[0]!) &&
            o.port === 5432 &&
            (o.address === '172.18.0.3' || o.address === '172.18.0.1');
          return silenced
            ? JSON.stringify({ type: 'observation', observation: { ...o, outcome: 'timeout', errorCode: 'ETIMEDOUT' } })
            : line;
        })
        .join('\n');
    const result = await run(engine, { ports: [2375, 5432] });
    const api = result.rows.find((r) => r.target === 'api:5432 on public')!;
    t.match(api, { status: 'inconclusive', code: 'silent-port-host-answered' });
    t.match(api.reason, /172\.18\.0\.3 answered this probe on ports 2375, 3001: the path is open/);
    t.match(
      result.rows.find((r) => r.target === 'host:5432 via public'),
      { status: 'blocked', code: 'no-answer' },
      "the host's gateway: a port its firewall drops is blocked",
    );
    t.same(
      by(result, 'blocked').filter((target) => target.endsWith(' on legacy')),
      ['legacy-db:2375 on legacy', 'legacy-db:3306 on legacy', 'legacy-db:5432 on legacy'],
      'an address silent on every port stays blocked',
    );
    t.equal(exitCodeForDrill(result), 3);
  },
);

/** The deployment dual-stack: public and internal with IPv6 subnets, the proxy, the API and PostgreSQL on them. */
function dualStack() {
  const d = drillDeployment();
  d.public.subnets.push('fd00:1::/64');
  d.internal.subnets.push('fd00:2::/64');
  d.proxy.networks[0]!.ipv6 = 'fd00:1::2';
  d.api.networks[0]!.ipv6 = 'fd00:1::3';
  d.api.networks[1]!.ipv6 = 'fd00:2::3';
  d.postgres.networks[0]!.ipv6 = 'fd00:2::4';
  return d;
}

/** The agent's lines, with each IPv6 connection answered by `answer6` (open, refused or timeout). */
function withIpv6(
  agent: NonNullable<ReturnType<typeof drillDeployment>['engine']['containers']['agent']>,
  answer6: (address: string, port: number) => Observation['outcome'],
) {
  return (plan: Parameters<typeof agent>[0], probe: Parameters<typeof agent>[1]) => {
    const checks = new Map(plan.checks.map((c) => [c.id, c]));
    return agent(plan, probe)
      .split('\n')
      .map((line) => {
        const { observation: o } = JSON.parse(line) as { observation?: Observation };
        const check = o && checks.get(o.id.split('@')[0]!);
        if (!o || check?.kind !== 'tcp' || !check.host.includes(':')) return line;
        const outcome = answer6(check.host, check.port);
        return JSON.stringify({
          type: 'observation',
          observation: {
            ...o,
            outcome,
            address: check.host,
            port: check.port,
            ...(outcome === 'timeout' ? { errorCode: 'ETIMEDOUT' } : {}),
          },
        });
      })
      .join('\n');
  };
}

t.test(
  'IPv6: a container isolated over IPv4 but open over IPv6 (engines before 27) is reached over IPv6, its own row',
  async (t) => {
    const { engine } = dualStack();
    // The IPv4 rules isolate; no ip6tables rule does: every IPv6 address answers.
    engine.containers.agent = withIpv6(engine.containers.agent!, (address, port) =>
      (address.endsWith('::3') && port === 3001) || (address === 'fd00:2::4' && port === 5432) ? 'open' : 'refused',
    );
    const result = await run(engine, { ports: [] });
    const row = (target: string) => result.rows.find((r) => r.target === target);
    t.match(row('postgres:5432 on internal'), { status: 'blocked', code: 'no-answer' }, 'over IPv4, blocked');
    t.match(
      row('postgres:5432 on internal over IPv6'),
      { status: 'reached', code: 'reached', address: 'fd00:2::4' },
      'over IPv6, reached',
    );
    t.match(row('api:3001 on public over IPv6'), { status: 'reached' });
    t.ok(
      result.rows.filter((r) => r.endpoint === 'legacy-db').every((r) => !r.target.endsWith('over IPv6')),
      'no IPv6 row where the target has no IPv6 address',
    );
    t.equal(result.probes[0]!.checks > 0 && result.bounds.timeoutMs, 1000);
  },
);

t.test('IPv6: silence over IPv6 with no IPv6 peer reached is inconclusive, never blocked', async (t) => {
  const { engine } = dualStack();
  engine.containers.agent = withIpv6(engine.containers.agent!, () => 'timeout');
  const result = await run(engine, { ports: [] });
  t.match(
    result.rows.find((r) => r.target === 'postgres:5432 on internal over IPv6'),
    { status: 'inconclusive', code: 'ipv6-control-failed' },
  );
  t.match(
    result.rows.find((r) => r.target === 'postgres:5432 on internal'),
    { status: 'blocked' },
    'IPv4 keeps its own proof',
  );
  t.equal(exitCodeForDrill(result), 3);
});

t.test('--all: every service with a running container, one source each; one with none is said, exit 3', async (t) => {
  const { engine } = drillDeployment();
  engine.containers.add({
    name: 'shop-worker-1',
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'worker' },
    state: 'exited',
    running: false,
  });
  const result = await run(engine, { from: { kind: 'all' }, ports: [] });
  t.same([...new Set(result.rows.map((r) => r.source))], ['service api', 'service postgres', 'service proxy']);
  t.same(result.unprobed, [
    {
      source: 'service worker',
      code: 'source-not-running',
      reason: 'service worker has no running container to probe from (shop-worker-1 exited)',
    },
  ]);
  t.same(
    result.rows
      .filter((r) => r.source === 'service api' && r.status === 'reached' && r.kind === 'port')
      .map((r) => r.target),
    [
      'postgres:5432 on internal',
      'postgres:5432 published on the host, via internal',
      'postgres:5432 published on the host, via public',
      'proxy:8080 on public',
    ],
    'the API sits on both networks: the database by address and through the host at both gateways, the proxy',
  );
  t.equal(exitCodeForDrill(result), 3);
});

t.test('--from network: a probe of its own there; an outside name is looked up by a probe beside it', async (t) => {
  const { engine } = drillDeployment();
  const result = await run(engine, {
    from: { kind: 'network', network: 'internal' },
    ports: [],
    internet: ['https://example.com/'],
  });
  t.same(
    result.probes.map((p) => p.key),
    [
      `network:${[...engine.networks.byId.values()].find((n) => n.name === 'shop_internal')!.id}`,
      `network:${[...engine.networks.byId.values()].find((n) => n.name === 'shop_internal')!.id}#outside`,
    ],
  );
  t.same(
    by(result, 'reached').filter((x) => !x.startsWith('dns:')),
    ['postgres:5432 on internal', 'postgres:5432 published on the host, via internal', 'api:3001 on internal'],
  );
  const specs = [...engine.containers.specs.values()];
  t.same(
    specs.map((s) => s.dns),
    [['127.0.0.1'], []],
    "zone names stay on the host; the outside name gets the engine's upstream",
  );
});

t.test('names the drill cannot use: an unknown service, one in two projects, a network that is no zone', async (t) => {
  const { engine } = drillDeployment();
  await t.rejects(run(engine, { from: { kind: 'service', service: 'lan' } }), {
    code: 'DP_UNKNOWN_NAME',
    message: "unknown service 'lan'; services that exist: api, postgres, proxy",
  });
  await t.rejects(run(engine, { from: { kind: 'network', network: 'nowhere' } }), {
    code: 'DP_UNKNOWN_NAME',
    message: /^unknown network 'nowhere'; networks that exist: internal, legacy, public$/,
  });
  await t.rejects(run(engine, { project: ['nope'] }), {
    code: 'DP_UNKNOWN_NAME',
    message: /^unknown project 'nope' .*: shop$/,
  });
  engine.containers.add({
    name: 'other-proxy-1',
    labels: { 'com.docker.compose.project': 'other', 'com.docker.compose.service': 'proxy' },
  });
  await t.rejects(run(engine), {
    code: 'DP_USAGE',
    message: '--from proxy names a service in 2 projects (other, shop)',
  });
  const scoped = await run(engine, { project: ['shop'], ports: [] });
  t.notOk(
    scoped.rows.some((r) => r.target.includes('legacy') || r.target.includes('other')),
    '--project keeps to its containers',
  );
  engine.networks.add({ name: 'host', driver: 'host' });
  await t.rejects(run(engine, { from: { kind: 'network', network: 'host' } }), {
    code: 'DP_USAGE',
    message: /host's own network namespace/,
  });
});

t.test('bounded: a drill over --max-checks is refused before any probe is created', async (t) => {
  const { engine } = drillDeployment();
  await t.rejects(run(engine, { maxChecks: 10 }), {
    code: 'DP_USAGE',
    message: /^a drill from service proxy would make \d+ checks, over --max-checks 10$/,
  });
  t.notOk(engine.calls.some((c) => c.startsWith('containers.create')));
});

t.test('several projects in scope: names carry their project', async (t) => {
  const { engine, public: net } = drillDeployment();
  const c = engine.containers.add(
    {
      name: 'other-cache-1',
      labels: { 'com.docker.compose.project': 'other', 'com.docker.compose.service': 'cache' },
      ports: [{ port: 6379, protocol: 'tcp', published: [], requested: [] }],
    },
    [net],
  );
  c.networks[0]!.ipv4 = '172.18.0.20';
  const result = await run(engine, { project: ['shop', 'other'], ports: [] });
  t.equal(result.rows.find((r) => r.address === '172.18.0.20')!.target, 'other/cache:6379 on shop/public');
  t.match(result.rows.find((r) => r.address === '172.18.0.20')!, {
    status: 'reached',
    risk: { kind: 'cache', name: 'Redis' },
  });
  t.ok(result.rows.some((r) => r.target === 'dns:other/cache'));
});
