import t from 'tap';
import { findTraefikRoutes } from '../../src/traefik/find-routes.js';
import { traefikTopology } from '../fixtures/traefik.js';

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
