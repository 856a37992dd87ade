import t from 'tap';
import { findTraefikRoutes } from '../../src/traefik/find-routes.js';
import { proxyConfigRead, traefikTopology } from '../fixtures/traefik.js';

// The proxy and every service it routes, each with what Traefik makes of it.

const request = { project: 'ref', proxy: undefined };
const enable = (extra: Record<string, string> = {}) => ({
  'traefik.enable': 'true',
  'traefik.http.routers.x.rule': 'Host(`x.test`)',
  ...extra,
});

t.test('the routed services, the proxy and unlabelled services left out, each with its choice and ports', async (t) => {
  const topology = traefikTopology({
    labels: {
      proxy: enable({ 'traefik.http.routers.dash.service': 'api@internal' }),
      frontend: enable({ 'traefik.docker.network': 'ref_public-facing' }),
      api: enable(),
    },
  });
  const search = findTraefikRoutes(topology, request);
  t.equal(search.kind, 'routes');
  if (search.kind !== 'routes') return;
  t.same(
    search.services.map((s) => s.service),
    ['frontend', 'api'],
  );
  const [frontend, api] = search.services.map((s) => s.routes[0]!);
  t.match(frontend!.choice, {
    code: 'network-label',
    network: { name: 'ref_public-facing', composeName: 'public-facing', address: '172.18.0.4' },
  });
  t.match(frontend!.ports, { ports: [3000], source: 'only-exposed' });
  t.match(api!.choice, { code: 'no-network-choice', kind: 'arbitrary' });
  t.same(
    api!.choice.candidates.map((n) => [n.name, n.address]),
    [
      ['ref_public-facing', '172.18.0.3'],
      ['ref_internal-backend', '172.19.0.5'],
    ],
  );
});

t.test('exposedByDefault=false: only traefik.enable=true is routed', async (t) => {
  const topology = traefikTopology({
    args: ['--providers.docker.exposedByDefault=false'],
    labels: { frontend: { 'traefik.http.routers.f.rule': 'Host(`f.test`)' }, api: enable() },
  });
  const search = findTraefikRoutes(topology, request);
  t.same(search.kind === 'routes' && search.services.map((s) => s.service), ['api']);
});

t.test('no routes, or no provider that reads containers: said as data, with why', async (t) => {
  t.match(findTraefikRoutes(traefikTopology(), request), { kind: 'no-routes', unread: [] });
  t.match(
    findTraefikRoutes(
      traefikTopology({ args: ['--providers.docker.swarmMode=true'], labels: { api: enable() } }),
      request,
    ),
    { kind: 'no-routes', unread: [/Swarm mode/] },
  );
  t.match(findTraefikRoutes(traefikTopology({ labels: { api: enable() } }), { project: 'ref', proxy: 'nope' }), {
    kind: 'no-proxy',
    named: 'nope',
  });
});

t.test('the static configuration read from its file wins over the flags, as Traefik reads it', async (t) => {
  // The flags name a default network; the file Traefik finds at /etc/traefik/traefik.yml names none, and Traefik
  // ignores flags once it finds a file: api, on two networks with no label, is left to chance.
  const topology = traefikTopology({
    args: ['--providers.docker.network=ref_public-facing'],
    labels: { api: enable() },
  });
  topology.traefikConfigs = proxyConfigRead(topology, {
    kind: 'found',
    path: '/etc/traefik/traefik.yml',
    text: 'providers:\n  docker:\n    exposedByDefault: true\n',
    via: 'read from container ref-proxy-1',
    assumed: [],
  });
  const search = findTraefikRoutes(topology, request);
  if (search.kind !== 'routes') return t.fail(search.kind);
  t.equal(search.proxy.config.source, 'file');
  t.match(search.services[0]!.routes[0]!.choice, { code: 'no-network-choice', kind: 'arbitrary' });
});

t.test('a configuration only in a file: its default network is read, not left unseen', async (t) => {
  const topology = traefikTopology({ args: [], labels: { api: enable() } });
  const read = (text: string) =>
    proxyConfigRead(topology, { kind: 'found', path: '/etc/traefik/traefik.toml', text, via: 'x', assumed: [] });
  const choice = () => {
    const search = findTraefikRoutes(topology, request);
    return search.kind === 'routes' ? search.services[0]!.routes[0]!.choice : undefined;
  };
  t.match(choice(), { code: 'default-unseen' }, 'with the command line alone, nothing is guessed');
  topology.traefikConfigs = read('[providers.docker]\nnetwork = "ref_public-facing"\n');
  t.match(choice(), {
    code: 'default-network',
    network: { name: 'ref_public-facing' },
  });
  topology.traefikConfigs = read('[providers.docker]\n');
  t.match(choice(), { code: 'no-network-choice' });
});

t.test(
  'constraints prune routes; a health check Traefik waits for, or a host binding, leaves one undecided',
  async (t) => {
    const topology = traefikTopology({
      args: ['--providers.docker.constraints=Label(`traefik.tags`, `edge`)', '--providers.docker.useBindPortIP=true'],
      labels: { frontend: enable({ 'traefik.tags': 'edge' }), api: enable() },
    });
    let search = findTraefikRoutes(topology, request);
    t.same(search.kind === 'routes' && search.services.map((s) => s.service), ['frontend'], 'api does not match');
    const frontend = topology.services.find((s) => s.name === 'frontend')!.containers[0]!;
    frontend.ports = [
      { port: 3000, protocol: 'tcp', published: [{ hostIp: '127.0.0.1', hostPort: 8300 }], requested: [] },
    ];
    search = findTraefikRoutes(topology, request);
    t.match(search.kind === 'routes' && search.services[0]!.routes[0]!.undecided, {
      code: 'unclassified',
      why: /useBindPortIP.*127\.0\.0\.1:8300/,
    });
    frontend.ports[0]!.published = [{ hostIp: '0.0.0.0', hostPort: 8300 }];
    frontend.health = 'starting';
    search = findTraefikRoutes(topology, request);
    t.match(search.kind === 'routes' && search.services[0]!.routes[0]!.undecided, {
      code: 'target-not-running',
      why: /is starting.*allowEmptyServices is off/,
    });
    frontend.health = 'healthy';
    search = findTraefikRoutes(topology, request);
    t.equal(
      search.kind === 'routes' && search.services[0]!.routes[0]!.undecided,
      undefined,
      'bound on 0.0.0.0: the network address',
    );
    const unknown = traefikTopology({
      args: ['--providers.docker.constraints=Tag(`edge`)'],
      labels: { api: enable() },
    });
    search = findTraefikRoutes(unknown, request);
    t.match(search.kind === 'routes' && search.services[0]!.routes[0]!.undecided, {
      code: 'traefik-config-unseen',
      why: /Tag is not a function/,
    });
  },
);
