import t from 'tap';
import { apiUrls, parseApiServices } from '../../src/traefik/api-services.js';

// Traefik's API answers as it writes them (pkg/api: serviceRepresentation, tcpServiceRepresentation).

t.test('the URLs, on the entrypoint and under a base path', async (t) => {
  t.same(apiUrls({ host: '127.0.0.1', port: 8080, basePath: '' }), {
    http: 'http://127.0.0.1:8080/api/http/services?per_page=100000',
    tcp: 'http://127.0.0.1:8080/api/tcp/services?per_page=100000',
  });
  t.equal(
    apiUrls({ host: '::1', port: 9000, basePath: '/traefik' }).http,
    'http://[::1]:9000/traefik/api/http/services?per_page=100000',
  );
});

t.test("each load-balanced service's servers, with their health; others list none", async (t) => {
  const http = JSON.stringify([
    {
      loadBalancer: { servers: [{ url: 'http://10.0.1.5:3001' }, { url: 'https://10.0.2.5' }], passHostHeader: true },
      status: 'enabled',
      usedBy: ['api@swarm'],
      serverStatus: { 'http://10.0.1.5:3001': 'UP', 'https://10.0.2.5': 'DOWN' },
      name: 'api@swarm',
      provider: 'swarm',
      type: 'loadbalancer',
    },
    { weighted: { services: [] }, name: 'canary@file', provider: 'file', type: 'weighted' },
    { status: 'enabled', name: 'api@internal', provider: 'internal' },
  ]);
  t.same(parseApiServices('http', http), [
    { service: 'api@swarm', kind: 'http', server: 'http://10.0.1.5:3001', host: '10.0.1.5', port: 3001, status: 'UP' },
    { service: 'api@swarm', kind: 'http', server: 'https://10.0.2.5', host: '10.0.2.5', port: 443, status: 'DOWN' },
  ]);
  const tcp = JSON.stringify([
    { loadBalancer: { servers: [{ address: '10.0.1.7:6379' }, { address: '[fd00::7]:6379' }] }, name: 'redis@docker' },
  ]);
  t.same(
    (parseApiServices('tcp', tcp) as { host: string; port: number }[]).map((s) => [s.host, s.port]),
    [
      ['10.0.1.7', 6379],
      ['fd00::7', 6379],
    ],
  );
});

t.test('an answer that is not a list of services says so', async (t) => {
  t.match(parseApiServices('http', '404 page not found'), { error: /not JSON/ });
  t.match(parseApiServices('tcp', '{"message":"x"}'), { error: /not a list of services/ });
});
