import t from 'tap';
import { isRouted, readBackendLabels } from '../../src/traefik/read-backend-labels.js';

// A backend's Traefik labels, read case-insensitively as Traefik reads them.

t.test('routers, services, load-balancer ports and network labels, whatever their case', async (t) => {
  const labels = readBackendLabels({
    'traefik.enable': 'true',
    'traefik.http.routers.api.rule': 'Host(`api.test`)',
    'traefik.http.routers.api.entrypoints': 'web',
    'traefik.http.services.api.loadBalancer.server.port': '3001',
    'traefik.tcp.routers.db.rule': 'HostSNI(`*`)',
    'traefik.tcp.services.db.loadbalancer.server.port': '5432',
    'traefik.Docker.Network': 'shop_web',
    'com.docker.compose.service': 'api',
  });
  t.equal(labels.enable, true);
  t.same(labels.routers, ['http/api', 'tcp/db']);
  t.same(labels.services, ['http/api', 'tcp/db']);
  t.same(labels.portLabels, [
    { label: 'traefik.http.services.api.loadBalancer.server.port', value: '3001' },
    { label: 'traefik.tcp.services.db.loadbalancer.server.port', value: '5432' },
  ]);
  t.same(labels.networkLabels, [{ label: 'traefik.docker.network', key: 'traefik.Docker.Network', value: 'shop_web' }]);
  t.equal(labels.dockerLabels, true);
  t.equal(labels.swarmLabels, false);
});

t.test('traefik.enable decides when set; otherwise exposedByDefault does, for labels that make a route', async (t) => {
  const route = { 'traefik.http.routers.api.rule': 'Host(`api.test`)' };
  t.equal(isRouted(readBackendLabels({ ...route, 'traefik.enable': 'false' }), true), false, 'disabled');
  t.equal(
    isRouted(readBackendLabels({ 'traefik.enable': 'True' }), false),
    true,
    'enabled beats exposedByDefault=false',
  );
  t.equal(isRouted(readBackendLabels(route), true), true);
  t.equal(isRouted(readBackendLabels(route), false), false, 'exposedByDefault=false needs traefik.enable=true');
  t.equal(isRouted(readBackendLabels(route), 'unseen'), true, 'an unseen configuration is taken at its default');
  t.equal(
    isRouted(readBackendLabels({ 'com.docker.compose.service': 'redis' }), true),
    false,
    'no Traefik label: nothing names a route',
  );
  t.equal(
    isRouted(readBackendLabels({ 'traefik.enable': 'yes' }), true),
    false,
    "a value Go's ParseBool refuses does not enable",
  );
});
