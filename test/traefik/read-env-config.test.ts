import t from 'tap';
import { readEnvConfig } from '../../src/traefik/read-env-config.js';

// Traefik's TRAEFIK_* environment variables, read as its environment loader reads them.

t.test('each variable: lower-cased, `_` as `.`; shown as written', async (t) => {
  const flat = readEnvConfig({
    TRAEFIK_PROVIDERS_SWARM_EXPOSEDBYDEFAULT: 'false',
    TRAEFIK_PROVIDERS_SWARM_NETWORK: 'edge_public',
    HOME: '/root',
  });
  t.same(flat?.values, { 'providers.swarm.exposedbydefault': 'false', 'providers.swarm.network': 'edge_public' });
  t.equal(flat?.describe('providers.swarm.network'), 'TRAEFIK_PROVIDERS_SWARM_NETWORK=edge_public');
});

t.test('the loader runs only when a variable names a root of the configuration, upper-case', async (t) => {
  t.equal(readEnvConfig({ HOME: '/root' }), undefined);
  t.equal(readEnvConfig({ TRAEFIK_VERSION: '3' }), undefined, 'not a root of the static configuration');
  t.equal(readEnvConfig({ traefik_providers_swarm: 'true' }), undefined, 'the lower-case prefix does not start it');
  t.same(
    readEnvConfig({ TRAEFIK_API_INSECURE: 'true', traefik_providers_swarm: 'true' })?.values,
    { 'api.insecure': 'true', 'providers.swarm': 'true' },
    'once it runs, every TRAEFIK_ variable is read, in any case',
  );
});
