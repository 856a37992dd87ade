import t from 'tap';
import { SCENARIO_HEAD, planFor, scenarioOf } from '../fixtures/pipeline.js';
import { judge } from '../../src/judge/judge.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { fakeResults, healthy, type Oracle } from '../fixtures/observe.js';
import { container, INTERNAL, PUBLIC, referenceTopology } from '../fixtures/reference-topology.js';

const scenario = (body: string) => scenarioOf(body, { head: `${SCENARIO_HEAD}\ninternet: [tcp://198.51.100.10:8080]` });

function publishedTopology() {
  const postgres = container('postgres', 5432, [[INTERNAL, '172.19.0.3']]);
  postgres.ports = [
    {
      port: 5432,
      protocol: 'tcp',
      published: [{ hostIp: '0.0.0.0', hostPort: 32768 }],
      requested: [{ hostIp: '', hostPort: '' }],
    },
  ];
  const proxy = container('proxy', 8080, [[PUBLIC, '172.18.0.2']]);
  proxy.ports = [{ port: 8080, protocol: 'tcp', published: [{ hostIp: '127.0.0.1', hostPort: 32774 }], requested: [] }];
  return referenceTopology({ postgres: [postgres], proxy: [proxy] });
}

t.test(
  'from host: a database published on all interfaces is a finding; loopback-only proxy passes; facts decide the rest',
  async (t) => {
    const s = scenario(
      `  - from: host\n    to: [postgres:5432, redis:6379]\n    reachable: false\n  - from: host\n    to: [proxy:8080, frontend:3000]\n    reachable: true\n`,
    );
    const plan = planFor(s, publishedTopology());
    const { verdicts } = judge(
      plan,
      fakeResults(plan, (c) => (c.kind === 'tcp' ? { outcome: 'open', address: c.host, port: c.port } : undefined)),
    );
    const [pg, redis, proxy, frontend] = verdicts;
    t.same(
      verdicts.map((v) => v.code),
      ['published-all-interfaces', 'not-published', 'reached', 'not-published'],
    );
    t.equal(pg!.status, 'fail');
    // postgres is only on internal-backend, and its port is bound all the same (Podman keeps such a binding): the
    // verdict says internal: true does not keep the host from it; the proxy, on a network that is not, says nothing.
    t.equal(
      pg!.reason,
      'published on all interfaces (0.0.0.0:32768), and it answers, although ref_postgres_1 is only on internal networks (internal-backend): this engine keeps the binding (Docker drops it, Podman keeps it), so internal: true does not keep the host from the port',
    );
    t.equal(redis!.status, 'pass');
    t.equal(redis!.observed, 'not published');
    t.equal(proxy!.status, 'pass');
    t.match(proxy!.observed, /open 127\.0\.0\.1:32774; 127\.0\.0\.1:32774 only/);
    t.notMatch(proxy!.reason, /internal/);
    t.equal(frontend!.status, 'fail');
    t.match(frontend!.reason, /not published on the host/);
  },
);

t.test(
  'egress: reached names the network it leaves through; no default route names the internal network',
  async (t) => {
    const s = scenario(
      `  - from: { service: frontend }\n    to: [internet]\n    reachable: true\n  - from: { service: redis }\n    to: [internet]\n    reachable: true\n`,
    );
    const plan = planFor(s, referenceTopology());
    const egress: Oracle = (c) =>
      c.kind === 'tcp' && c.host === '198.51.100.10'
        ? { outcome: 'open', address: '198.51.100.10', port: 8080 }
        : healthy(['redis', 'postgres', 'frontend', 'api'])(c);
    const results = fakeResults(plan, egress).map((r) =>
      r.probeKey.endsWith('ref_redis_1')
        ? {
            ...r,
            defaultRoute: null,
            interfaces: ['lo 127.0.0.1/8', 'eth0 172.19.0.2/16'],
            observations: new Map(
              [...r.observations].map(([id, o]) => [
                id,
                o.address === '198.51.100.10'
                  ? { ...o, outcome: 'unreachable' as const, errorCode: 'ENETUNREACH' as const }
                  : o,
              ]),
            ),
          }
        : {
            ...r,
            interfaces: ['lo 127.0.0.1/8', 'eth0 172.18.0.4/16', 'eth1 172.19.0.4/16'],
            defaultRoute: { iface: 'eth0', gateway: '172.18.0.1' },
          },
    );
    const { verdicts } = judge(plan, results);
    t.equal(verdicts[0]!.status, 'pass');
    t.match(verdicts[0]!.reason, /through network public-facing \(default route via 172\.18\.0\.1 on eth0\)/);
    t.same(
      verdicts.map((v) => v.code),
      ['egress-open', 'no-egress'],
    );
    t.equal(verdicts[1]!.status, 'fail');
    t.equal(
      verdicts[1]!.evidence[0]!.observation?.outcome,
      'unreachable',
      'the probe without a route saw the canary unreachable',
    );
    t.match(
      verdicts[1]!.reason,
      /no egress: no default route; service redis is only on internal-backend \(internal: true\)/,
    );
  },
);

t.test('a joined probe whose namespace was lost leaves its cells inconclusive', async (t) => {
  const plan = planFor(
    scenario(`  - from: { service: proxy }\n    to: [redis:6379]\n    reachable: false\n`),
    referenceTopology(),
  );
  const results = fakeResults(plan, healthy([])).map((r) => ({
    ...r,
    status: 'failed' as const,
    error: 'found only lo in the namespace of ref_proxy_1 when it finished',
    errorCode: 'namespace-lost' as const,
    observations: new Map(),
  }));
  const { verdicts } = judge(plan, results);
  t.equal(verdicts[0]!.status, 'inconclusive');
  t.equal(verdicts[0]!.code, 'probe-failed');
  t.equal(verdicts[0]!.probeErrorCode, 'namespace-lost');
  t.match(verdicts[0]!.reason, /only lo/);
});

t.test('a source service that is not running is inconclusive, never blocked', async (t) => {
  const topology = referenceTopology({ proxy: [container('proxy', 8080, [[PUBLIC, '172.18.0.2']], 'exited')] });
  const plan = planFor(
    scenario(`  - from: { service: proxy }\n    to: [redis:6379]\n    reachable: false\n`),
    topology,
  );
  const { verdicts } = judge(plan, []);
  t.equal(verdicts[0]!.status, 'inconclusive');
  t.equal(verdicts[0]!.code, 'source-not-running');
  t.equal(verdicts[0]!.source, 'service proxy');
});

t.test(
  'fail closed: egress expected blocked, an internet name that did not resolve while the DNS control failed is inconclusive, never "no egress"',
  async (t) => {
    const s = parseScenario(
      'project: ref\ntimeout: 1s\ninternet: [https://example.com/, tcp://198.51.100.10:8080]\nexpect:\n  - from: { service: frontend }\n    to: [internet]\n    reachable: false\n',
      's.yml',
    );
    const plan = planFor(s, referenceTopology());
    // The DNS server answers nothing, not even the probe's own name; the peers answer (the reach control holds) and
    // the address on the list is silent, as behind a firewall. The probe has a default route.
    const silentDns: Oracle = (c) => {
      if (c.kind === 'dns' || c.kind === 'http') return { outcome: 'dns-timeout', errorCode: 'ETIMEOUT' };
      if (c.host === '198.51.100.10') return { outcome: 'timeout', address: c.host, port: c.port };
      return { outcome: 'open', address: c.host, port: c.port };
    };
    const { verdicts, controls } = judge(plan, fakeResults(plan, silentDns));
    t.same([controls[0]!.dns, controls[0]!.reach], [false, true]);
    t.match(verdicts[0], { target: 'internet', status: 'inconclusive', code: 'dns-control-failed' });
    t.match(verdicts[0]!.reason, /the probe's DNS control failed too/);
  },
);
