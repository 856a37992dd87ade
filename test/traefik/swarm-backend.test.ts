import t from 'tap';
import { planFor } from '../fixtures/pipeline.js';
import type { TraefikRouteCell } from '../../src/checks/traefik-route/traefik-route-cell.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { findTraefikRoutes } from '../../src/traefik/find-routes.js';
import { resolveTopology } from '../../src/topology/resolve-topology.js';
import { swarmDeployment } from '../fixtures/swarm-deployment.js';

// Traefik on a swarm: its Swarm provider reads a service's deploy.labels and sends to each task's address on the
// network it chooses (the virtual IP only with lbswarm). A task on another node is a route too, tried by address from
// inside the proxy.

async function topologyWith(labels: Record<string, string>) {
  const deployment = swarmDeployment();
  deployment.services.api.labels = { ...deployment.services.api.labels, ...labels };
  const scenario = parseScenario(
    'project: [glasck, glasck-app]\ntraefik: { proxy: traefik, project: glasck }\nexpect:\n  - from: { network: public-facing }\n    to: [api:3001]\n    reachable: true\n',
    's.yml',
  );
  const topology = await resolveTopology([scenario], deployment.engine);
  return { deployment, scenario, topology };
}

const SETTLED = {
  'traefik.enable': 'true',
  'traefik.http.routers.api.rule': 'PathPrefix(`/`)',
  'traefik.http.services.api.loadbalancer.server.port': '3001',
  'traefik.docker.network': 'glasck_public-facing',
};

t.test(
  "a stack service: one route per task, from its deploy.labels, at each task's address on the chosen network",
  async (t) => {
    const { topology, deployment } = await topologyWith(SETTLED);
    const search = findTraefikRoutes(topology, { project: 'glasck', proxy: 'traefik' });
    if (search.kind !== 'routes') throw new Error(search.kind);
    const api = search.services.find((s) => s.service === 'api')!;
    t.same(
      api.routes.map((r) => [
        r.backend.labelSource,
        r.container.id === deployment.tasks.api2.id ? 'remote task' : 'container here',
        r.choice.kind,
        r.choice.candidates.map((c) => `${c.name} ${c.address}`),
        r.ports.ports,
      ]),
      [
        ['swarm-service', 'container here', 'label', ['glasck_public-facing 10.0.1.3'], [3001]],
        ['swarm-service', 'remote task', 'label', ['glasck_public-facing 10.0.1.4'], [3001]],
      ],
    );
    t.notOk(
      api.routes[0]!.backend.networks.some((n) => n.name === 'ingress'),
      'the routing mesh is no network Traefik picks',
    );
    t.match(
      api.routes[0]!.reading,
      { provider: 'swarm', reads: ['traefik.docker.network'] },
      'traefik:v3.1 reads traefik.docker.network',
    );
  },
);

t.test('with lbswarm, Traefik sends to the virtual IP', async (t) => {
  const { topology } = await topologyWith({ ...SETTLED, 'traefik.docker.lbswarm': 'true' });
  const search = findTraefikRoutes(topology, { project: 'glasck', proxy: 'traefik' });
  if (search.kind !== 'routes') throw new Error(search.kind);
  t.same(
    search.services.find((s) => s.service === 'api')!.routes.map((r) => r.choice.candidates.map((c) => c.address)),
    [['10.0.1.2'], ['10.0.1.2']],
  );
});

t.test(
  "planned from inside the proxy: each task tried at its address, the remote one's verdict resting on its task",
  async (t) => {
    const { topology, scenario, deployment } = await topologyWith(SETTLED);
    const plan = planFor(scenario, topology);
    const cells = plan.cells.filter((c): c is TraefikRouteCell => c.kind === 'traefik-route');
    t.same(
      cells.map((c) => c.attempts.map((a) => a.description.split(' (')[0])),
      [['10.0.1.3:3001'], ['10.0.1.4:3001']],
    );
    t.same(
      cells.map((c) => c.tries.map((x) => x.shared)),
      [[true], [true]],
      'the proxy is on glasck_public-facing',
    );
    t.ok(cells[1]!.touches.includes(deployment.tasks.api2.id));
  },
);

t.test('a label this provider does not read: the Swarm rules apply to the service', async (t) => {
  const { 'traefik.docker.network': _unread, ...rest } = SETTLED;
  const { topology } = await topologyWith({ ...rest, 'traefik.swarm.network': 'glasck_public-facing' });
  const search = findTraefikRoutes(topology, { project: 'glasck', proxy: 'traefik' });
  if (search.kind !== 'routes') throw new Error(search.kind);
  t.not(
    search.services.find((s) => s.service === 'api')!.routes[0]!.choice.kind,
    'label',
    'traefik:v3.1 ignores traefik.swarm.network',
  );
});
