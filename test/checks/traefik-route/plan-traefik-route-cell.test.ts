import t from 'tap';
import { buildPlan } from '../../../src/plan/build-plan.js';
import type { TraefikRouteCell } from '../../../src/checks/traefik-route/traefik-route-cell.js';
import { parseScenario } from '../../../src/scenario/parse-scenario.js';
import { INTERNAL, PUBLIC } from '../../fixtures/reference-topology.js';
import { traefikTopology } from '../../fixtures/traefik.js';

// A traefik: check becomes one traefik-route cell per routed container, probed from inside the proxy.

const scenario = (traefik: string, body = '') =>
  parseScenario(
    `project: ref\ntimeout: 1s\n${traefik}\nexpect:\n  - from: { network: public-facing }\n    to: [frontend:3000]\n    reachable: true\n${body}`,
    's.yml',
  );
const enable = (extra: Record<string, string> = {}) => ({
  'traefik.enable': 'true',
  'traefik.http.routers.r.rule': 'Host(`r.test`)',
  ...extra,
});
const plan = (
  traefik: string,
  topology = traefikTopology({
    labels: { frontend: enable({ 'traefik.docker.network': 'ref_public-facing' }), api: enable() },
  }),
  body = '',
) => {
  const s = scenario(traefik, body);
  return buildPlan(s.expectations, topology, { runId: 'r' }, s.traefik ? [s.traefik] : []);
};
const routes = (p: ReturnType<typeof plan>) => p.cells.filter((c): c is TraefikRouteCell => c.kind === 'traefik-route');

t.test('from inside the proxy: one check per network Traefik may pick, at the port it sends to', async (t) => {
  const p = plan('traefik: {}');
  const [frontend, api] = routes(p);
  const probe = p.probes.find((x) => x.key === frontend!.probeKey)!;
  t.equal(
    probe.placement.kind === 'container' && probe.placement.container.name,
    'ref_proxy_1',
    "the probe joins the proxy's namespace",
  );
  t.equal(probe.label, 'service proxy');
  t.same(
    routes(p).map((c) => [c.targetLabel, c.source, c.route.choice.code]),
    [
      ['route frontend:3000', 'service proxy', 'network-label'],
      ['route api:3001', 'service proxy', 'no-network-choice'],
    ],
  );
  const checks = new Map(probe.plan.checks.map((c) => [c.id, c]));
  t.match(
    frontend!.attempts.map((a) => checks.get(a.checkId)),
    [{ kind: 'tcp', host: '172.18.0.4', port: 3000, timeoutMs: 1000 }],
    'a settled choice: its network only',
  );
  t.match(
    api!.attempts.map((a) => checks.get(a.checkId)),
    [
      { kind: 'tcp', host: '172.18.0.3', port: 3001 },
      { kind: 'tcp', host: '172.19.0.5', port: 3001 },
    ],
    'an arbitrary one: every network',
  );
  t.same(
    api!.tries.map((x) => [x.network.name, x.shared]),
    [
      ['ref_public-facing', true],
      ['ref_internal-backend', false],
    ],
    'shared with the proxy, by network id',
  );
  t.same(
    api!.attempts.map((a) => a.description),
    ['172.18.0.3:3001 (ref_api_1 on public-facing)', '172.19.0.5:3001 (ref_api_1 on internal-backend)'],
  );
  t.same(api!.proxyNetworks, [{ id: PUBLIC.id, name: 'ref_public-facing' }]);
  t.same(
    api!.touches,
    ['proxy-id'.padEnd(64, '0'), 'api-id'.padEnd(64, '0')],
    'the proxy joined and the backend: a change to either is seen',
  );
  t.match(api!.expectation, {
    name: 'Traefik routes of proxy',
    reachable: true,
    position: { file: 's.yml', line: 3, col: 10 },
  });
  t.equal(api!.id, `traefik/${probe.key}/route api:3001`);
});

t.test("the proxy's probe is the one `from: { service: proxy }` uses", async (t) => {
  const p = plan(
    'traefik: { proxy: proxy }',
    undefined,
    '  - from: { service: proxy }\n    to: [redis:6379]\n    reachable: false\n',
  );
  t.equal(p.probes.filter((x) => x.placement.kind === 'container').length, 1);
  t.equal(new Set(p.cells.filter((c) => c.source === 'service proxy').map((c) => c.probeKey)).size, 1);
});

t.test('a proxy or a backend that is not running: inconclusive-bound cells, never checks', async (t) => {
  const stopped = traefikTopology({ labels: { api: enable() } });
  const proxyService = stopped.services.find((s) => s.name === 'proxy')!;
  proxyService.containers = proxyService.containers.map((c) => ({ ...c, state: 'exited', running: false }));
  const p = plan('traefik: {}', stopped);
  t.same(
    routes(p).map((c) => [c.targetLabel, c.precondition?.code]),
    [['route api:3001', 'source-not-running']],
  );
  t.notOk(
    p.probes.some((x) => x.placement.kind === 'container'),
    'no probe for a proxy with nothing running',
  );

  const down = traefikTopology({ labels: { api: enable() } });
  const api = down.services.find((s) => s.name === 'api')!;
  api.containers = api.containers.map((c) => ({ ...c, state: 'exited', running: false }));
  const q = plan('traefik: {}', down);
  t.match(
    routes(q).map((c) => c.precondition),
    [{ code: 'target-not-running', text: /routed service 'api' has no running container \(ref_api_1 exited\)/ }],
  );
  t.same(routes(q)[0]!.attempts, []);
});

t.test('replicas: one cell per running container, each named', async (t) => {
  const topology = traefikTopology({ labels: { api: enable() } });
  const api = topology.services.find((s) => s.name === 'api')!;
  const second = {
    ...api.containers[0]!,
    id: 'api2'.padEnd(64, '0'),
    name: 'ref_api_2',
    networks: [{ networkId: INTERNAL.id, networkName: INTERNAL.name, ipv4: '172.19.0.15', aliases: [] }],
  };
  api.containers = [api.containers[0]!, second];
  t.same(
    routes(plan('traefik: {}', topology)).map((c) => [c.targetLabel, c.route.choice.code]),
    [
      ['route api:3001 (ref_api_1)', 'no-network-choice'],
      ['route api:3001 (ref_api_2)', 'only-network'],
    ],
  );
});

t.test('no proxy, several, or no route: a scenario error at the traefik key', async (t) => {
  const none = traefikTopology({ image: 'nginx:1.27', args: [], labels: { api: enable() } });
  t.throws(() => plan('traefik: {}', none), {
    code: 'DP_SCENARIO_INVALID',
    problems: [
      {
        line: 3,
        col: 10,
        message:
          /no Traefik proxy in project 'ref': no service runs a traefik image or a traefik command \(services: api, frontend, postgres, proxy, redis\)/,
        hint: 'name the proxy: traefik: { proxy: SERVICE }',
      },
    ],
  });
  const twice = traefikTopology({ labels: { api: enable() } });
  twice.services.find((s) => s.name === 'frontend')!.containers[0]!.image = 'traefik:v3.0';
  t.throws(() => plan('traefik: {}', twice), {
    code: 'DP_SCENARIO_INVALID',
    problems: [
      {
        message: "several services of project 'ref' run Traefik: frontend, proxy",
        hint: 'name the one to check: traefik: { proxy: frontend }',
      },
    ],
  });
  t.throws(() => plan('traefik: {}', traefikTopology()), {
    code: 'DP_SCENARIO_INVALID',
    problems: [{ message: /Traefik proxy 'proxy' routes no service here/ }],
  });
  t.throws(
    () =>
      plan('traefik: {}', traefikTopology({ args: ['--providers.docker.swarmMode=true'], labels: { api: enable() } })),
    { code: 'DP_SCENARIO_INVALID', problems: [{ message: /routes no service here.*Swarm mode/ }] },
  );
});

t.test(
  "Traefik's API: read once per probe from inside the proxy, beside a try on every network of each route",
  async (t) => {
    const p = plan(
      'traefik: {}',
      traefikTopology({
        args: ['--providers.docker=true', '--api.insecure=true', '--entrypoints.traefik.address=:9000'],
        labels: { frontend: enable({ 'traefik.docker.network': 'ref_public-facing' }), api: enable() },
      }),
    );
    const [frontend, api] = routes(p);
    const probe = p.probes.find((x) => x.key === frontend!.probeKey)!;
    const live = frontend!.live;
    if (live?.kind !== 'read') return t.fail(`not planned: ${JSON.stringify(live)}`);
    t.same(
      probe.plan.checks
        .filter((c) => c.kind === 'http')
        .map((c) => [c.kind === 'http' && c.url, c.kind === 'http' && c.keepBody]),
      [
        ['http://127.0.0.1:9000/api/http/services?per_page=100000', 512 * 1024],
        ['http://127.0.0.1:9000/api/tcp/services?per_page=100000', 512 * 1024],
      ],
      'two API reads for the probe, shared by its routes',
    );
    t.same(api!.live?.kind === 'read' && api!.live.httpCheckId, live.httpCheckId);
    t.same(
      live.tries.map((x) => [x.network.name, x.port, x.shared]),
      [
        ['ref_public-facing', 3000, true],
        ['ref_internal-backend', 3000, false],
      ],
      'every network of the route, not only the one the model picks',
    );
    t.equal(live.tries[0]!.checkId, frontend!.attempts[0]!.checkId, "the model's own try is the same check");
    t.match(routes(plan('traefik: {}'))[0]!.live, { kind: 'not-read', why: /not enabled/ });
  },
);
