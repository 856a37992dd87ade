import t from 'tap';
import { backendPorts } from '../../src/traefik/backend-ports.js';
import { readBackendLabels } from '../../src/traefik/read-backend-labels.js';

// The port Traefik sends to: the label's, else the lowest exposed port.

const ports = (labels: Record<string, string>, exposed: number[]) => backendPorts(readBackendLabels(labels), exposed);

t.test('the load-balancer port label wins over exposed ports', async (t) => {
  t.same(ports({ 'traefik.http.services.api.loadbalancer.server.port': '8080' }, [80, 8080, 9000]), {
    ports: [8080],
    source: 'label',
    exposed: [80, 8080, 9000],
    invalid: [],
  });
});

t.test('a single exposed port is the port', async (t) => {
  t.same(ports({ 'traefik.enable': 'true' }, [3000]), {
    ports: [3000],
    source: 'only-exposed',
    exposed: [3000],
    invalid: [],
  });
});

t.test('several exposed ports and no label: Traefik takes the lowest, a guess the verdict names', async (t) => {
  t.same(ports({ 'traefik.enable': 'true' }, [9000, 80, 80]), {
    ports: [80],
    source: 'lowest-exposed',
    exposed: [80, 9000],
    invalid: [],
  });
});

t.test('no label and nothing exposed, or a label that is no port: no port Traefik can use', async (t) => {
  t.match(ports({ 'traefik.enable': 'true' }, []), { ports: [], source: 'none' });
  t.match(ports({ 'traefik.http.services.api.loadbalancer.server.port': 'http' }, [3000]), {
    ports: [],
    source: 'label',
    invalid: [{ value: 'http' }],
  });
});

t.test('one port per load-balancer service', async (t) => {
  t.same(
    ports(
      {
        'traefik.http.services.web.loadbalancer.server.port': '3000',
        'traefik.http.services.admin.loadbalancer.server.port': '3100',
      },
      [3000, 3100],
    ).ports,
    [3000, 3100],
  );
});
