import t from 'tap';
import type { Observation, Outcome } from '../../../probes/agent/protocol.js';
import { judge } from '../../../src/judge/judge.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { parseScenario } from '../../../src/scenario/parse-scenario.js';
import type { Topology } from '../../../src/topology/topology.js';
import { fakeResults, healthy, type Oracle } from '../../fixtures/observe.js';
import { INTERNAL, PUBLIC } from '../../fixtures/reference-topology.js';
import { proxyConfigRead, traefikTopology } from '../../fixtures/traefik.js';

// Traefik routes judged from what a probe inside the proxy saw: codes, not prose.

const enable = (extra: Record<string, string> = {}) => ({
  'traefik.enable': 'true',
  'traefik.http.routers.r.rule': 'Host(`r.test`)',
  ...extra,
});
const PROXY_PEERS = ['ref_proxy_1', '172.18.0.4', '172.18.0.3'];

function run(
  topology: Topology,
  oracle: Oracle = healthy(PROXY_PEERS),
  mangle: (r: ReturnType<typeof fakeResults>) => ReturnType<typeof fakeResults> = (r) => r,
) {
  const s = parseScenario(
    'project: ref\ntimeout: 1s\ntraefik: {}\nexpect:\n  - from: { network: public-facing }\n    to: [proxy:8080]\n    reachable: true\n',
    's.yml',
  );
  const plan = buildPlan(s.expectations, topology, { runId: 'r' }, [s.traefik!]);
  const { verdicts } = judge(plan, mangle(fakeResults(plan, oracle)));
  return verdicts.filter((v) => v.target.startsWith('route '));
}
// An oracle that answers `outcome` for one address and the healthy proxy's view for the rest.
const at =
  (address: string, outcome: Outcome, extra: Partial<Observation> = {}): Oracle =>
  (check) =>
    check.kind === 'tcp' && check.host === address
      ? { outcome, address, port: check.port, ...extra }
      : healthy(PROXY_PEERS)(check);

t.test(
  'pass: a network label on a network the proxy shares, and the service answers there from inside the proxy',
  async (t) => {
    const [frontend] = run(
      traefikTopology({ labels: { frontend: enable({ 'traefik.docker.network': 'ref_public-facing' }) } }),
    );
    t.match(frontend, {
      status: 'pass',
      code: 'traefik-route-reached',
      expected: 'reachable',
      source: 'service proxy',
      target: 'route frontend:3000',
      location: 's.yml:3:10',
    });
    t.match(frontend!.reason, /traefik\.docker\.network=ref_public-facing/);
    const [single] = run(
      traefikTopology({
        args: ['--providers.docker=true', '--providers.docker.network=ref_public-facing'],
        labels: { api: enable() },
      }),
    );
    t.match(single, { status: 'pass', code: 'traefik-route-reached' }, "the proxy's default network, shared");
  },
);

t.test('several networks and nothing chooses: FAIL, naming the networks and which the proxy reached', async (t) => {
  const [api] = run(traefikTopology({ labels: { api: enable() } }));
  t.match(api, { status: 'fail', code: 'traefik-network-ambiguous', observed: 'ambiguous' });
  t.match(api!.reason, /ref_public-facing, ref_internal-backend/);
  t.match(api!.reason, /intermittent 502/);
  t.match(
    api!.reason,
    /ref_public-facing: the proxy is on it, answered \(open 172\.18\.0\.\d+:3001\); ref_internal-backend: the proxy is not on it, no answer \(timeout 172\.19\.0\.5:3001\)/,
  );
  t.same(
    api!.evidence.map((e) => e.observation?.outcome),
    ['open', 'timeout'],
  );
});

t.test('a label the provider does not read, or one naming a network the service is not on: FAIL', async (t) => {
  const [ignored] = run(
    traefikTopology({
      image: 'traefik:v3.0',
      labels: { api: enable({ 'traefik.swarm.network': 'ref_public-facing' }) },
    }),
  );
  t.match(ignored, { status: 'fail', code: 'traefik-label-ignored' });
  t.match(
    ignored!.reason,
    /traefik\.swarm\.network=ref_public-facing is a label Traefik v3\.0 \(Docker provider\) does not read/,
  );
  const [prefix] = run(traefikTopology({ labels: { api: enable({ 'traefik.docker.network': 'public-facing' }) } }));
  t.match(prefix, { status: 'fail', code: 'traefik-label-not-found' });
  t.match(prefix!.reason, /the network's real name is ref_public-facing/);
  const [single] = run(
    traefikTopology({ labels: { redis: enable({ 'traefik.docker.network': 'internal-backend' }) } }),
  );
  t.match(
    single,
    { status: 'fail', code: 'traefik-label-not-found' },
    'one network: Traefik lands on it, the label is still wrong',
  );
});

t.test("the network Traefik uses is not the proxy's: FAIL", async (t) => {
  const [api] = run(traefikTopology({ labels: { api: enable({ 'traefik.docker.network': 'ref_internal-backend' }) } }));
  t.match(api, { status: 'fail', code: 'traefik-network-not-shared' });
  t.match(api!.reason, /uses ref_internal-backend for api .*the proxy is not on it \(it is on ref_public-facing\)/);
  const [redis] = run(traefikTopology({ labels: { redis: enable() } }));
  t.match(redis, { status: 'fail', code: 'traefik-network-not-shared' }, 'its only network');
});

t.test(
  'the chosen address does not answer: FAIL once the reach control held; inconclusive when it did not',
  async (t) => {
    const labels = { frontend: enable({ 'traefik.docker.network': 'ref_public-facing' }) };
    const [timeout] = run(
      traefikTopology({ labels }),
      at('172.18.0.4', 'timeout', { errorCode: 'DP_CONNECT_TIMEOUT' }),
    );
    t.match(
      timeout,
      { status: 'fail', code: 'traefik-no-answer', observed: 'timeout 172.18.0.4:3000' },
      'api, a peer on the same network, answered the control',
    );
    const [refused] = run(traefikTopology({ labels }), at('172.18.0.4', 'refused'));
    t.match(refused, { status: 'fail', code: 'traefik-no-answer' });
    t.match(refused!.reason, /nothing listens there/);
    const silent: Oracle = (check) =>
      check.kind === 'tcp'
        ? { outcome: 'timeout', address: check.host, port: check.port }
        : healthy(PROXY_PEERS)(check);
    const [blind] = run(traefikTopology({ labels }), silent);
    t.match(blind, { status: 'inconclusive', code: 'reach-control-failed' });
  },
);

t.test(
  'the probe did not run: a settled route is inconclusive; a finding of the configuration still fails',
  async (t) => {
    const failed = (results: ReturnType<typeof fakeResults>) =>
      results.map((r) => ({
        ...r,
        status: 'failed' as const,
        error: 'found only lo in the namespace of ref_proxy_1',
        errorCode: 'namespace-lost' as const,
        observations: new Map(),
      }));
    const [frontend, api] = run(
      traefikTopology({
        labels: { frontend: enable({ 'traefik.docker.network': 'ref_public-facing' }), api: enable() },
      }),
      undefined,
      failed,
    );
    t.match(frontend, { status: 'inconclusive', code: 'probe-failed', probeErrorCode: 'namespace-lost' });
    t.match(api, { status: 'fail', code: 'traefik-network-ambiguous' });
    t.equal(api!.probeErrorCode, undefined, 'a verdict the configuration decides is not the probe failing');
    t.match(api!.reason, /the probe did not run/);
    const [unfinished] = run(
      traefikTopology({ labels: { frontend: enable({ 'traefik.docker.network': 'ref_public-facing' }) } }),
      (c) => (c.kind === 'tcp' && c.host === '172.18.0.4' ? undefined : healthy(PROXY_PEERS)(c)),
    );
    t.match(unfinished, { status: 'inconclusive', code: 'check-unfinished' });
  },
);

t.test('what dockprobe cannot see is not guessed; a route with no port has no server', async (t) => {
  const [unseen] = run(traefikTopology({ args: ['--configFile=/etc/traefik/traefik.yml'], labels: { api: enable() } }));
  t.match(unseen, { status: 'inconclusive', code: 'traefik-config-unseen' });
  t.match(unseen!.reason, /configuration file \/etc\/traefik\/traefik\.yml/);
  const noPort = traefikTopology({ labels: { api: enable({ 'traefik.docker.network': 'ref_public-facing' }) } });
  noPort.services.find((s) => s.name === 'api')!.containers[0]!.ports = [];
  const [none] = run(noPort);
  t.match(none, { status: 'fail', code: 'traefik-no-port', target: 'route api' });
  const [bad] = run(
    traefikTopology({
      labels: {
        api: enable({
          'traefik.docker.network': 'ref_public-facing',
          'traefik.http.services.api.loadbalancer.server.port': 'http',
        }),
      },
    }),
  );
  t.match(bad, { status: 'fail', code: 'traefik-no-port' });
  t.match(bad!.reason, /loadbalancer\.server\.port=http is not a port/);
});

t.test('a proxy with no running container: inconclusive, never a pass', async (t) => {
  const topology = traefikTopology({ labels: { api: enable() } });
  const proxy = topology.services.find((s) => s.name === 'proxy')!;
  proxy.containers = proxy.containers.map((c) => ({ ...c, state: 'exited', running: false }));
  t.match(run(topology), [{ status: 'inconclusive', code: 'source-not-running' }]);
});

t.test('a route its configuration leaves undecided is inconclusive with the code it says, never a pass', async (t) => {
  const topology = traefikTopology({
    args: ['--providers.docker=true', '--providers.docker.constraints=Tag(`x`)'],
    labels: { frontend: enable({ 'traefik.docker.network': 'ref_public-facing' }) },
  });
  const [constrained] = run(topology);
  t.match(constrained, { status: 'inconclusive', code: 'traefik-config-unseen', observed: 'undecided' });
  t.match(constrained!.reason, /constraints expression/);
  const healthCheck = traefikTopology({
    labels: { frontend: enable({ 'traefik.docker.network': 'ref_public-facing' }) },
  });
  healthCheck.services.find((s) => s.name === 'frontend')!.containers[0]!.health = 'unhealthy';
  t.match(run(healthCheck), [{ status: 'inconclusive', code: 'target-not-running' }]);
});

// Traefik's API from inside the proxy, answering as a real one would: the services it routes, each with its servers.
const apiAnswer = (servers: Record<string, string[]>) =>
  JSON.stringify(
    Object.entries(servers).map(([name, urls]) => ({
      name: `${name}@docker`,
      provider: 'docker',
      status: 'enabled',
      loadBalancer: { servers: urls.map((url) => ({ url })) },
      serverStatus: Object.fromEntries(urls.map((u) => [u, 'UP'])),
    })),
  );
const withApi =
  (body: string, status = 200, base: Oracle = healthy(PROXY_PEERS)): Oracle =>
  (check) => {
    if (check.kind === 'http' && check.url.startsWith('http://127.0.0.1:8080/api/http/services'))
      return { outcome: 'http', status, body };
    if (check.kind === 'http' && check.url.startsWith('http://127.0.0.1:8080/api/tcp/services'))
      return { outcome: 'http', status, body: '[]' };
    return base(check);
  };
const API_ARGS = ['--providers.docker=true', '--api.insecure=true'];
const labelled = { frontend: enable({ 'traefik.docker.network': 'ref_public-facing' }) };

t.test("Traefik's API: the server it uses now, compared with the model", async (t) => {
  const topology = traefikTopology({ args: API_ARGS, labels: labelled });
  const [agrees] = run(topology, withApi(apiAnswer({ frontend: ['http://172.18.0.4:3000'] })));
  t.match(agrees, { status: 'pass', code: 'traefik-route-reached' });
  t.match(
    agrees!.reason,
    /Traefik's API at http:\/\/127\.0\.0\.1:8080 agrees: Traefik uses http:\/\/172\.18\.0\.4:3000 on ref_public-facing \(UP in Traefik's API\), which answers from inside the proxy/,
  );

  const [offNetwork] = run(topology, withApi(apiAnswer({ frontend: ['http://172.19.0.4:3000'] })));
  t.match(offNetwork, { status: 'fail', code: 'traefik-server-unreachable', observed: 'unreachable' });
  t.match(
    offNetwork!.reason,
    /http:\/\/172\.19\.0\.4:3000 on ref_internal-backend \(UP in Traefik's API\), a network the proxy is not on.*502 Bad Gateway now/,
  );

  const [otherPort] = run(topology, withApi(apiAnswer({ frontend: ['http://172.18.0.4:9999'] })));
  t.match(otherPort, { status: 'inconclusive', code: 'traefik-choice-unexplained' });
  t.match(otherPort!.reason, /not what dockprobe's model predicts \(ref_public-facing, port 3000\)/);

  const [absent] = run(topology, withApi(apiAnswer({ other: ['http://10.9.9.9:80'] })));
  t.match(absent, { status: 'inconclusive', code: 'traefik-choice-unexplained' });
  t.match(absent!.reason, /lists no server at any address of frontend/);
});

t.test('a choice left to chance stays a FAIL when today it works; one that breaks now is the live FAIL', async (t) => {
  const topology = traefikTopology({ args: API_ARGS, labels: { api: enable() } });
  const [works] = run(topology, withApi(apiAnswer({ api: ['http://172.18.0.3:3001'] })));
  t.match(works, { status: 'fail', code: 'traefik-network-ambiguous' });
  t.match(
    works!.reason,
    /today Traefik uses http:\/\/172\.18\.0\.3:3001 on ref_public-facing.*next configuration rebuild/,
  );
  const [broken] = run(topology, withApi(apiAnswer({ api: ['http://172.19.0.5:3001'] })));
  t.match(broken, { status: 'fail', code: 'traefik-server-unreachable' });
  t.match(broken!.reason, /the model: api is on 2 networks/);
});

t.test('a model that predicts one network while Traefik uses another that answers: inconclusive', async (t) => {
  const topology = traefikTopology({
    args: API_ARGS,
    labels: labelled,
    proxyNetworks: [
      [PUBLIC, '172.18.0.2'],
      [INTERNAL, '172.19.0.9'],
    ],
  });
  const [unexplained] = run(
    topology,
    withApi(apiAnswer({ frontend: ['http://172.19.0.4:3000'] }), 200, at('172.19.0.4', 'open')),
  );
  t.match(unexplained, { status: 'inconclusive', code: 'traefik-choice-unexplained' });
  t.match(
    unexplained!.reason,
    /http:\/\/172\.19\.0\.4:3000 on ref_internal-backend \(UP in Traefik's API\), which answers from inside the proxy/,
  );
});

t.test('the API off, protected or not answering: the model stands alone, and says the API was not read', async (t) => {
  const [off] = run(traefikTopology({ labels: labelled }), withApi(apiAnswer({})));
  t.match(off, { status: 'pass', code: 'traefik-route-reached' });
  t.match(off!.reason, /Traefik's API not read: the API is not enabled in the command line/);
  const [protectedApi] = run(traefikTopology({ args: API_ARGS, labels: labelled }), withApi('{"message":"no"}', 401));
  t.match(protectedApi, { status: 'pass', code: 'traefik-route-reached' });
  t.match(protectedApi!.reason, /not read: its \/api\/http\/services answered HTTP 401/);
  const [garbled] = run(traefikTopology({ args: API_ARGS, labels: labelled }), withApi('<html>'));
  t.match(garbled!.reason, /not read: its \/api\/http\/services answer is not JSON/);
});

t.test(
  'before the probe is judged, a silence is not proof: the model stands, the silence said beside it',
  async (t) => {
    const topology = traefikTopology({ args: API_ARGS, labels: { api: enable() } });
    const [silent] = run(
      topology,
      withApi(apiAnswer({ api: ['http://172.18.0.3:3001'] }), 200, at('172.18.0.3', 'timeout')),
    );
    t.match(silent, { status: 'fail', code: 'traefik-network-ambiguous' });
    t.match(silent!.reason, /no answer, which the probe's controls do not prove/);
  },
);

t.test('what reading the static configuration took as true without seeing it is said in each verdict', async (t) => {
  const topology = traefikTopology({ labels: labelled });
  topology.traefikConfigs = proxyConfigRead(
    topology,
    {
      kind: 'none',
      searched: ['/etc/traefik/traefik.toml'],
      assumed: ['the image holds no configuration file of its own (the proxy runs on node vps-2)'],
    },
    'spec',
  );
  const [frontend] = run(topology);
  t.match(frontend, { status: 'pass', code: 'traefik-route-reached' });
  t.match(frontend!.reason, /taken as true without being read: the image holds no configuration file of its own/);
});
