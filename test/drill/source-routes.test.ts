import t from 'tap';
import { DrillNames } from '../../src/drill/drill-names.js';
import { drillSources } from '../../src/drill/drill-sources.js';
import { readWorld } from '../../src/topology/world.js';
import { sourceRoutes } from '../../src/drill/source-routes.js';
import type { LanPlacement } from '../../src/plan/plan.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';

// Where a source's packets can go decides what its drill tries: a LAN neighbour is routed to the local bridges and the
// host's end of its link only (lan-placement.ts); a probe in a container has the container's routes.

async function routesFrom(from: Parameters<typeof drillSources>[0], overlay = false) {
  const d = drillDeployment();
  if (overlay) {
    const net = d.engine.networks.add({
      name: 'shop_mesh',
      driver: 'overlay',
      scope: 'swarm',
      subnets: ['10.20.0.0/24'],
      attachable: true,
    });
    d.api.networks.push({ networkId: net.id, networkName: net.name, ipv4: '10.20.0.3', aliases: [] });
  }
  const world = await readWorld(d.engine, { kind: 'engine', projects: undefined });
  const names = new DrillNames(world.topology);
  const source = drillSources(from, world, names, 'd1').sources[0]!;
  const api = world.containers.find((c) => c.name === 'shop-api-1')!;
  return { routes: sourceRoutes(source, world.topology, names), source, api };
}

t.test(
  'from lan: addresses on local bridges only, IPv4 only, the host at its end of the link, no egress',
  async (t) => {
    const { routes, source, api } = await routesFrom({ kind: 'lan' }, true);
    t.same(
      routes.addresses(api).map((n) => n.ipv4),
      ['172.18.0.3', '172.19.0.3'],
      "the overlay's address is no target: no route to it",
    );
    t.equal(routes.ipv6, false);
    t.same(routes.host, [{ gateway: (source.placement as LanPlacement).host, network: 'the LAN link' }]);
    t.equal(routes.egress, false);
  },
);

t.test("from a service: every IPv4 address, IPv6 too, the host at its bridges' gateways, egress", async (t) => {
  const { routes, api } = await routesFrom({ kind: 'service', service: 'proxy' }, true);
  t.same(
    routes.addresses(api).map((n) => n.ipv4),
    ['172.18.0.3', '172.19.0.3', '10.20.0.3'],
    'overlays included: the container routes there as it is attached',
  );
  t.equal(routes.ipv6, true);
  t.same(routes.host, [{ gateway: '172.18.0.1', network: 'public' }]);
  t.equal(routes.egress, true);
});

t.test('a container without an IPv4 address on a network is not tried there', async (t) => {
  const { routes, api } = await routesFrom({ kind: 'network', network: 'internal' });
  api.networks[1]!.ipv4 = undefined;
  t.same(
    routes.addresses(api).map((n) => n.networkName),
    ['shop_public'],
  );
});
