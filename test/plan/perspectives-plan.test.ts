import t from 'tap';
import { SCENARIO_HEAD, planFor, scenarioOf } from '../fixtures/pipeline.js';
import type { PublishedCell } from '../../src/checks/published/published-cell.js';
import { applyOverrides } from '../../src/scenario/apply-overrides.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { container, INTERNAL, PUBLIC, referenceTopology } from '../fixtures/reference-topology.js';

const scenario = (body: string) => scenarioOf(body, { head: `${SCENARIO_HEAD}\ninternet: [tcp://198.51.100.10:8080]` });

t.test('from a service: one probe per running container, joined to its namespace, each named', async (t) => {
  const api2 = {
    ...container('api', 3001, [
      [PUBLIC, '172.18.0.13'],
      [INTERNAL, '172.19.0.15'],
    ]),
    id: 'api2'.padEnd(64, '0'),
    name: 'ref_api_2',
  };
  const topology = referenceTopology({
    api: [
      container('api', 3001, [
        [PUBLIC, '172.18.0.3'],
        [INTERNAL, '172.19.0.5'],
      ]),
      api2,
    ],
  });
  const plan = planFor(scenario(`  - from: { service: api }\n    to: [redis:6379]\n    reachable: true\n`), topology);
  t.same(
    plan.probes.map((p) => p.label),
    ['service api (ref_api_1)', 'service api (ref_api_2)'],
  );
  t.same(
    plan.probes.map((p) => p.placement.kind === 'container' && p.placement.container.name),
    ['ref_api_1', 'ref_api_2'],
  );
  t.same(
    plan.cells.map((c) => c.source),
    ['service api (ref_api_1)', 'service api (ref_api_2)'],
  );
  const probe = plan.probes[0]!;
  const dns = probe.plan.checks.find((c) => c.id === probe.controls.dnsCheckId);
  t.match(
    dns,
    { kind: 'dns', name: 'ref_api_1', subnets: ['172.18.0.0/16', '172.19.0.0/16'] },
    "its DNS control is the joined container's own name",
  );
  t.notOk(
    probe.plan.checks.some((c) => c.kind === 'tcp' && (c.host === '172.18.0.3' || c.host === '172.19.0.5')),
    'never its own addresses as a peer',
  );
});

t.test('a source service with no running container leaves its cells inconclusive-bound, with no probe', async (t) => {
  const topology = referenceTopology({ proxy: [container('proxy', 8080, [[PUBLIC, '172.18.0.2']], 'exited')] });
  const plan = planFor(
    scenario(`  - from: { service: proxy }\n    to: [redis:6379]\n    reachable: false\n`),
    topology,
  );
  t.equal(plan.probes.length, 0);
  t.equal(plan.cells[0]!.precondition?.code, 'source-not-running');
  t.match(
    plan.cells[0]!.precondition?.text,
    /source service 'proxy' has no running container to probe from \(ref_proxy_1 exited\)/,
  );
  // Each cell is of the kind the service would have made had it run, so its verdict is filed with theirs.
  const both = planFor(
    scenario(`  - from: { service: proxy }\n    to: [redis:6379, internet]\n    reachable: false\n`),
    topology,
  );
  t.same(
    both.cells.map((c) => [c.kind, c.precondition?.code]),
    [
      ['reach', 'source-not-running'],
      ['egress', 'source-not-running'],
    ],
  );
});

t.test(
  'from host: each published binding is tried on loopback or its address; facts when there is nothing to try',
  async (t) => {
    const proxy = container('proxy', 8080, [[PUBLIC, '172.18.0.2']]);
    proxy.ports = [
      {
        port: 8080,
        protocol: 'tcp',
        published: [{ hostIp: '127.0.0.1', hostPort: 32774 }],
        requested: [{ hostIp: '127.0.0.1', hostPort: '' }],
      },
    ];
    const postgres = container('postgres', 5432, [[INTERNAL, '172.19.0.3']]);
    postgres.ports = [
      {
        port: 5432,
        protocol: 'tcp',
        published: [
          { hostIp: '0.0.0.0', hostPort: 32768 },
          { hostIp: '::', hostPort: 32768 },
        ],
        requested: [{ hostIp: '', hostPort: '' }],
      },
    ];
    const redis = container('redis', 6379, [[INTERNAL, '172.19.0.2']]);
    redis.ports = [{ port: 6379, protocol: 'tcp', published: [], requested: [{ hostIp: '127.0.0.1', hostPort: '' }] }];
    const plan = planFor(
      scenario(
        `  - from: host\n    to: [proxy:8080, postgres:5432, redis:6379, frontend:3000]\n    reachable: false\n`,
      ),
      referenceTopology({ proxy: [proxy], postgres: [postgres], redis: [redis] }),
    );
    t.same(
      plan.cells.map((c) => c.kind),
      ['published', 'published', 'published', 'published'],
      'the host on a service port: published cells',
    );
    const [p, pg, r, fe] = plan.cells as PublishedCell[];
    t.equal(plan.probes[0]!.placement.kind, 'host');
    t.equal(p!.binding, '127.0.0.1:32774 only');
    t.equal(pg!.binding, 'all interfaces (0.0.0.0:32768), all interfaces ([::]:32768)');
    const checks = new Map(plan.probes[0]!.plan.checks.map((c) => [c.id, c]));
    t.same(
      pg!.attempts.map((a) => checks.get(a.checkId)),
      [
        { id: pg!.attempts[0]!.checkId, kind: 'tcp', host: '127.0.0.1', port: 32768, subnets: [], timeoutMs: 1000 },
        { id: pg!.attempts[1]!.checkId, kind: 'tcp', host: '::1', port: 32768, subnets: [], timeoutMs: 1000 },
      ],
      'all-interfaces bindings are knocked on at loopback only',
    );
    t.equal(r!.fact?.kind, 'dropped by Docker');
    t.match(
      r!.fact?.detail,
      /port 6379 is configured to be published, but Docker dropped it: ref_redis_1 is only on internal networks \(internal-backend\)/,
    );
    t.equal(fe!.fact?.kind, 'not published');
    t.match(fe!.fact?.detail, /port 3000 of 'frontend' is not published on the host/);
    t.throws(
      () => planFor(scenario(`  - from: host\n    to: [dns:redis]\n    reachable: false\n`), referenceTopology()),
      { code: 'DP_SCENARIO_INVALID', message: /cannot be checked from host/ },
    );
  },
);

t.test('to internet: each outside target by name, with no subnet rule', async (t) => {
  const plan = planFor(
    scenario(`  - from: { network: internal-backend }\n    to: [internet]\n    reachable: false\n`),
    referenceTopology(),
  );
  const checks = new Map(plan.probes[0]!.plan.checks.map((c) => [c.id, c]));
  t.same(
    plan.cells[0]!.attempts.map((a) => checks.get(a.checkId)),
    [
      {
        id: plan.cells[0]!.attempts[0]!.checkId,
        kind: 'tcp',
        host: '198.51.100.10',
        port: 8080,
        subnets: [],
        timeoutMs: 1000,
      },
    ],
  );
  t.equal(plan.probes[0]!.dnsUpstream, 'isolated', 'an IP target needs no upstream DNS');
  const named = planFor(
    parseScenario(
      `internet: ["https://example.org/"]\nexpect:\n  - from: { network: ref_public-facing }\n    to: internet\n    reachable: true\n`,
      's.yml',
    ),
    referenceTopology(),
  );
  t.equal(named.probes[0]!.dnsUpstream, 'inherit', "an outside name needs the engine's upstream DNS");
});

t.test('retries go to checks expected reachable only; repeat rounds keep names unique', async (t) => {
  const s = scenario(
    `  - from: { network: public-facing }\n    to: [frontend:3000]\n    reachable: true\n  - from: { network: public-facing }\n    to: [redis:6379]\n    reachable: false\n`,
  );
  const plan = planFor(applyOverrides(s, { retries: 2 }), referenceTopology(), { runId: 'r', round: 3 });
  const checks = new Map(plan.probes[0]!.plan.checks.map((c) => [c.id, c]));
  t.equal(checks.get(plan.cells[0]!.attempts[0]!.checkId)!.retries, 2);
  t.ok(
    plan.cells[1]!.attempts.every((a) => checks.get(a.checkId)!.retries === undefined),
    'a check expected blocked is never retried',
  );
  t.equal(plan.probes[0]!.containerName, 'dockprobe-r-1-r3');
});
