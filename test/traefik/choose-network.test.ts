import t from 'tap';
import { chooseNetwork } from '../../src/traefik/choose-network.js';
import { providerReading } from '../../src/traefik/provider-reading.js';
import type { TraefikBackend, TraefikProxy } from '../../src/traefik/traefik.js';
import { backend, net, proxy, routed } from '../fixtures/traefik.js';

// The network Traefik will really use for a backend, for each provider and version, as data with a code.

const web = net('web', '172.20.0.5');
const db = net('db', '172.21.0.5');

function choose(p: TraefikProxy, b: TraefikBackend) {
  const reading = providerReading(p, b);
  if ('unread' in reading) throw new Error(reading.unread);
  return chooseNetwork(reading, b);
}
const names = (c: ReturnType<typeof choose>) => c.candidates.map((n) => n.name);

const v2 = proxy('traefik:v2.11', ['--providers.docker=true']);
const v3 = proxy('traefik:v3.0', ['--providers.docker=true']);

t.test('v2 Docker provider: traefik.docker.network by its real name settles the choice', async (t) => {
  const c = choose(v2, backend(routed({ 'traefik.docker.network': 'shop_web' }), [web, db]));
  t.match(c, {
    code: 'network-label',
    kind: 'label',
    network: { name: 'shop_web' },
    label: 'traefik.docker.network',
    reader: 'Traefik v2.11 (Docker provider)',
  });
  t.same(names(c), ['shop_web']);
});

t.test('a label naming the Compose key, not the real name: not found, Traefik falls back to any network', async (t) => {
  const c = choose(v2, backend(routed({ 'traefik.docker.network': 'web' }), [web, db]));
  t.match(c, {
    code: 'label-not-found',
    kind: 'arbitrary',
    network: undefined,
    labelNotFound: { key: 'traefik.docker.network', value: 'web', realName: 'shop_web' },
  });
  t.same(names(c), ['shop_web', 'shop_db']);
  const single = choose(v2, backend(routed({ 'traefik.docker.network': 'web' }), [web]));
  t.match(
    single,
    { code: 'label-not-found', kind: 'only-network', network: { name: 'shop_web' } },
    'with one network the fallback lands on it, and the label is still wrong',
  );
  t.match(
    choose(v2, backend(routed({ 'traefik.docker.network': '' }), [web, db])),
    { code: 'label-not-found', kind: 'arbitrary' },
    'an empty label overrides the default with nothing',
  );
});

t.test("the proxy's default-network option, when no label overrides it", async (t) => {
  const withDefault = proxy('traefik:v2.11', ['--providers.docker.network=shop_web']);
  t.match(choose(withDefault, backend(routed(), [db, web])), {
    code: 'default-network',
    kind: 'default',
    network: { name: 'shop_web' },
  });
  t.match(
    choose(withDefault, backend(routed({ 'traefik.docker.network': 'shop_db' }), [db, web])),
    { code: 'network-label', network: { name: 'shop_db' } },
    'the label overrides the default',
  );
  const missing = choose(proxy('traefik:v2.11', ['--providers.docker.network=web']), backend(routed(), [db, web]));
  t.match(missing, {
    code: 'no-network-choice',
    kind: 'arbitrary',
    defaultNotFound: { flag: '--providers.docker.network=web', value: 'web', realName: 'shop_web' },
  });
  t.match(
    choose(proxy('traefik:v2.11', ['--providers.docker.network=shop_web']), backend(routed(), [db])),
    { code: 'only-network', network: { name: 'shop_db' }, defaultNotFound: { value: 'shop_web' } },
    'a default the service is not on is proxy-wide, not a finding',
  );
});

t.test('one network: nothing to choose; several and nothing chooses: any of them', async (t) => {
  t.match(choose(v3, backend(routed(), [web])), {
    code: 'only-network',
    kind: 'only-network',
    network: { name: 'shop_web' },
  });
  const several = choose(v3, backend(routed(), [web, db]));
  t.match(several, {
    code: 'no-network-choice',
    kind: 'arbitrary',
    network: undefined,
    ignoredLabel: undefined,
    labelNotFound: undefined,
  });
  t.same(names(several), ['shop_web', 'shop_db']);
});

t.test('v3 Docker provider: traefik.docker.network is read, traefik.swarm.network is not', async (t) => {
  t.match(choose(v3, backend(routed({ 'traefik.docker.network': 'shop_db' }), [web, db])), {
    code: 'network-label',
    network: { name: 'shop_db' },
    reader: 'Traefik v3.0 (Docker provider)',
  });
  const ignored = choose(v3, backend(routed({ 'traefik.swarm.network': 'shop_db' }), [web, db]));
  t.match(ignored, {
    code: 'label-ignored',
    kind: 'arbitrary',
    ignoredLabel: { key: 'traefik.swarm.network', value: 'shop_db', reads: ['traefik.docker.network'] },
  });
  t.match(
    choose(
      proxy('traefik:v3.0', ['--providers.docker.network=shop_web']),
      backend(routed({ 'traefik.swarm.network': 'shop_db' }), [web, db]),
    ),
    { code: 'label-ignored', kind: 'default', network: { name: 'shop_web' } },
    'the ignored label loses to the default',
  );
  t.match(
    choose(
      v3,
      backend(routed({ 'traefik.docker.network': 'shop_db', 'traefik.swarm.network': 'shop_web' }), [web, db]),
    ),
    { code: 'network-label', network: { name: 'shop_db' } },
    'an ignored label beside one that is read changes nothing',
  );
});

t.test('v2 Swarm mode: services are read by traefik.docker.network; traefik.swarm.network is ignored', async (t) => {
  const swarmMode = proxy('traefik:v2.11', ['--providers.docker.swarmMode=true']);
  const service = (labels: Record<string, string>) =>
    backend(routed(labels), [net('web', '10.0.1.5', 'st_web'), net('db', '10.0.2.5', 'st_db')], {
      source: 'swarm-service',
    });
  t.match(choose(swarmMode, service({ 'traefik.docker.network': 'st_web' })), {
    code: 'network-label',
    network: { name: 'st_web' },
    reader: 'Traefik v2.11 (Docker provider in Swarm mode)',
  });
  t.match(choose(swarmMode, service({ 'traefik.swarm.network': 'st_web' })), {
    code: 'label-ignored',
    kind: 'arbitrary',
  });
  t.match(
    choose(swarmMode, service({ 'traefik.docker.network': 'web' })),
    { code: 'label-not-found', labelNotFound: { realName: 'st_web' } },
    "the stack's prefix missing",
  );
});

t.test(
  'v3 Swarm provider: the label it reads depends on the version (traefik/traefik 514914639a, v3.2.2)',
  async (t) => {
    const service = (labels: Record<string, string>) =>
      backend(routed(labels), [net('web', '10.0.1.5', 'st_web'), net('db', '10.0.2.5', 'st_db')], {
        source: 'swarm-service',
      });
    const v30 = proxy('traefik:v3.0', ['--providers.swarm=true']);
    const v33 = proxy('traefik:v3.3.4', ['--providers.swarm=true']);
    const v3x = proxy('traefik:v3', ['--providers.swarm=true']);
    // Up to v3.2.1 the Swarm provider decodes traefik.docker.* only.
    t.match(choose(v30, service({ 'traefik.docker.network': 'st_web' })), {
      code: 'network-label',
      network: { name: 'st_web' },
      deprecatedLabel: undefined,
      reader: 'Traefik v3.0 (Swarm provider)',
    });
    t.match(choose(v30, service({ 'traefik.swarm.network': 'st_web' })), {
      code: 'label-ignored',
      kind: 'arbitrary',
      ignoredLabel: { key: 'traefik.swarm.network', reads: ['traefik.docker.network'] },
    });
    // From v3.2.2 it reads traefik.swarm.network, still honours traefik.docker.network as deprecated, and drops both.
    t.match(choose(v33, service({ 'traefik.swarm.network': 'st_db' })), {
      code: 'network-label',
      network: { name: 'st_db' },
      label: 'traefik.swarm.network',
    });
    t.match(choose(v33, service({ 'traefik.docker.network': 'st_db' })), {
      code: 'network-label',
      network: { name: 'st_db' },
      deprecatedLabel: 'traefik.docker.network',
    });
    t.match(choose(v33, service({ 'traefik.docker.network': 'st_db', 'traefik.swarm.network': 'st_db' })), {
      code: 'labels-conflict',
      kind: 'undecided',
      candidates: [],
    });
    // `v3` alone: traefik.docker.network is read by every v3; traefik.swarm.network only by some.
    t.match(choose(v3x, service({ 'traefik.docker.network': 'st_db' })), {
      code: 'network-label',
      network: { name: 'st_db' },
    });
    t.match(choose(v3x, service({ 'traefik.swarm.network': 'st_db' })), { code: 'version-unknown', kind: 'undecided' });
    t.match(choose(v3x, service({ 'traefik.docker.network': 'st_db', 'traefik.swarm.network': 'st_db' })), {
      code: 'version-unknown',
    });
    t.match(
      choose(proxy('traefik:v3.0', ['--providers.swarm.network=st_db']), service({})),
      { code: 'default-network', network: { name: 'st_db' } },
      "providers.swarm.network is the Swarm provider's default",
    );
  },
);

t.test('a configuration dockprobe cannot see: only a label or a single network decides', async (t) => {
  const unseen = proxy('traefik:v3.0', ['--configFile=/etc/traefik/traefik.yml']);
  t.match(choose(unseen, backend(routed(), [web, db])), {
    code: 'default-unseen',
    kind: 'undecided',
    network: undefined,
  });
  t.same(names(choose(unseen, backend(routed(), [web, db]))), ['shop_web', 'shop_db']);
  t.match(choose(unseen, backend(routed(), [web])), { code: 'only-network' });
  t.match(choose(unseen, backend(routed({ 'traefik.docker.network': 'shop_db' }), [web, db])), {
    code: 'network-label',
    network: { name: 'shop_db' },
  });
  t.match(choose(unseen, backend(routed({ 'traefik.swarm.network': 'shop_db' }), [web, db])), {
    code: 'label-ignored',
    kind: 'undecided',
  });
});

t.test('no network with an address (host or container network mode): not modelled, said so', async (t) => {
  t.match(choose(v2, backend(routed(), [{ ...net('host', '', 'host'), address: undefined }])), {
    code: 'no-network',
    kind: 'undecided',
    candidates: [],
  });
});
