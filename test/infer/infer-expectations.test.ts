import t from 'tap';
import { inferExpectations } from '../../src/infer/infer-expectations.js';
import { modelFromComposeConfig } from '../../src/infer/model-from-compose-config.js';
import { renderScenario } from '../../src/infer/render-inferred.js';
import { loadScenario, parseScenario } from '../../src/scenario/parse-scenario.js';
import type { Expectation } from '../../src/scenario/scenario.js';
import { REFERENCE_SCENARIO } from '../../src/package-paths.js';

// Inference from Compose's own view of a file (`config`, v1 and v2 shapes): who shares a network reaches each other's
// ports; who shares none does not, by name or by address; internal networks have no egress; published ports answer
// from the host unless Docker drops them. The reference scenario, written by hand, must be inside what is inferred.

// `docker compose config` (v2) of the reference topology, reduced to what inference reads.
const V2 = `name: shop
services:
  api: { expose: ["3001"], networks: { internal-backend: null, public-facing: null } }
  frontend: { expose: ["3000"], networks: { internal-backend: null, public-facing: null } }
  postgres: { expose: ["5432"], networks: { internal-backend: null } }
  proxy:
    expose: ["8080"]
    networks: { public-facing: null }
    ports: [{ mode: ingress, host_ip: 127.0.0.1, target: 8080, protocol: tcp }]
  redis:
    expose: ["6379"]
    networks: { internal-backend: null }
    ports: [{ mode: ingress, host_ip: 127.0.0.1, target: 6379, protocol: tcp }]
  worker: { expose: ["9000"], networks: { internal-backend: null, worker-egress: null } }
networks:
  internal-backend: { internal: true }
  public-facing: {}
  worker-egress: {}
`;
// The same, as `docker-compose config` (v1) prints ports.
const V1 = V2.replace(
  'ports: [{ mode: ingress, host_ip: 127.0.0.1, target: 8080, protocol: tcp }]',
  'ports: ["127.0.0.1::8080/tcp"]',
).replace(
  'ports: [{ mode: ingress, host_ip: 127.0.0.1, target: 6379, protocol: tcp }]',
  'ports: ["127.0.0.1::6379/tcp"]',
);

/** Every (source, host, port or dns, reachable) an expectation list stands for; URLs by their host and port. */
function cellsOf(expectations: readonly Expectation[]): Set<string> {
  const out = new Set<string>();
  for (const e of expectations) {
    const from = e.from.kind === 'network' ? `network ${e.from.network}` : e.from.kind;
    for (const to of e.to) {
      if (to.kind === 'internet') out.add(`${from} internet ${e.reachable}`);
      else if (to.kind === 'dns')
        out.add(`${from} dns:${to.host.kind === 'service' ? to.host.service : ''} ${e.reachable}`);
      else if (to.kind === 'http')
        out.add(`${from} ${new URL(to.url).hostname}:${new URL(to.url).port} ${e.reachable}`);
      else out.add(`${from} ${to.host.kind === 'service' ? to.host.service : ''}:${to.port} ${e.reachable}`);
    }
  }
  return out;
}

t.test('v1 and v2 shapes give the same model', async (t) => {
  t.same(modelFromComposeConfig(V1, 'shop', 'v1').services, modelFromComposeConfig(V2, 'shop', 'v2').services);
  t.same(
    modelFromComposeConfig(V2, 'shop', 'v2').services.find((s) => s.name === 'proxy'),
    {
      name: 'proxy',
      networks: ['public-facing'],
      ports: [8080],
      published: [{ port: 8080, hostIp: '127.0.0.1' }],
      networkMode: undefined,
    },
  );
});

t.test(
  'the written scenario parses, and every cell of the hand-written reference scenario is in it, with the same expectation',
  async (t) => {
    const model = modelFromComposeConfig(V2, 'shop', 'test');
    const text = renderScenario(model, inferExpectations(model));
    const inferred = parseScenario(text, 'inferred.yml');
    const reference = await loadScenario(REFERENCE_SCENARIO);
    const have = cellsOf(inferred.expectations);
    const missing = [...cellsOf(reference.expectations)].filter((c) => !have.has(c));
    t.same(missing, [], 'nothing of scenarios/reference.yml is missing or contradicted');
    t.ok(have.has('network internal-backend internet false'), 'an internal network has no egress');
    t.ok(
      have.has('host proxy:8080 true') && have.has('host redis:6379 false'),
      'published on a public network: reached; only internal: dropped by Docker',
    );
    t.match(
      text,
      /- redis:6379 {2}# redis is not on public-facing \(it is on internal-backend\)/,
      'each target says why',
    );
  },
);

t.test('a chain of three networks, and a service on three: reach follows shared networks only', async (t) => {
  const chain = modelFromComposeConfig(
    `services:
  a: { expose: ["1"], networks: [n1] }
  ab: { expose: ["2"], networks: [n1, n2] }
  bc: { expose: ["3"], networks: [n2, n3] }
  c: { expose: ["4"], networks: [n3] }
  hub: { expose: ["5"], networks: [n1, n2, n3] }
  host-mode: { expose: ["6"], network_mode: host }
networks: { n1: {}, n2: {}, n3: { internal: true } }
`,
    'chain',
    'test',
  );
  const cells = cellsOf(parseScenario(renderScenario(chain, inferExpectations(chain)), 'x.yml').expectations);
  for (const c of [
    'network n1 a:1 true',
    'network n1 hub:5 true',
    'network n1 c:4 false',
    'network n1 bc:3 false',
    'network n2 ab:2 true',
    'network n2 a:1 false',
    'network n3 c:4 true',
    'network n3 ab:2 false',
    'network n3 internet false',
  ])
    t.ok(cells.has(c), c);
  t.notOk(
    [...cells].some((c) => c.includes('host-mode')),
    'nothing is inferred for network_mode: host',
  );
  t.notOk(cells.has('network n1 internet false'), 'egress is inferred closed only for internal networks, never open');
});

t.test('a Traefik proxy with routed services: the written scenario checks its routes (traefik: {})', async (t) => {
  const withTraefik = V2.replace(
    '  proxy:\n    expose: ["8080"]',
    '  proxy:\n    image: traefik:v3.0\n    expose: ["8080"]',
  ).replace(
    '  api: { expose: ["3001"], networks: { internal-backend: null, public-facing: null } }',
    '  api:\n    expose: ["3001"]\n    networks: { internal-backend: null, public-facing: null }\n    labels: ["traefik.enable=true", "traefik.http.routers.api.rule=PathPrefix(`/api`)"]',
  );
  const model = modelFromComposeConfig(withTraefik, 'shop', 'test');
  t.equal(model.traefik, 'proxy');
  const scenario = parseScenario(renderScenario(model, inferExpectations(model)), 'inferred.yml');
  t.match(scenario.traefik, { proxy: undefined, project: 'shop' }, 'the proxy is found by its image, as at run time');
  const unrouted = modelFromComposeConfig(V2.replace('  proxy:\n', '  proxy:\n    image: traefik:v3.0\n'), 'shop', 'x');
  t.equal(unrouted.traefik, undefined, 'no service carries routing labels: no route to check');
  t.notMatch(renderScenario(unrouted, inferExpectations(unrouted)), /traefik:/);
  const stack = modelFromComposeConfig(
    withTraefik
      .replace('image: traefik:v3.0', 'image: registry.local/edge:7\n    command: ["traefik", "--providers.swarm"]')
      .replace('labels: ["traefik.enable=true"', 'deploy: { labels: { traefik.enable: "true" } }\n    x-labels: ["x"'),
    'shop',
    'x',
  );
  t.equal(stack.traefik, 'proxy', 'by its program, and deploy.labels route as Swarm reads them');
});
