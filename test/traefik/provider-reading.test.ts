import t from 'tap';
import { providerReading } from '../../src/traefik/provider-reading.js';
import { staticConfigOf } from '../../src/traefik/static-config-of.js';
import { proxy } from '../fixtures/traefik.js';

// Which provider of a proxy reads a backend, and which network labels and default it uses, by version.

const container = { labelSource: 'container' as const };
const swarm = { labelSource: 'swarm-service' as const };

t.test('the Docker provider reads containers, in v2 and v3 alike, with its default network', async (t) => {
  for (const image of ['traefik:v2.11', 'traefik:v3.0', 'traefik:latest']) {
    t.match(
      providerReading(proxy(image, ['--providers.docker=true', '--providers.docker.network=shop_web']), container),
      {
        provider: 'docker',
        reads: ['traefik.docker.network'],
        versionDependent: [],
        defaultNetwork: { value: 'shop_web', flag: '--providers.docker.network=shop_web' },
        exposedByDefault: true,
      },
      image,
    );
  }
  t.match(providerReading(proxy('traefik:v2.11', ['--providers.docker']), container), {
    description: 'Traefik v2.11 (Docker provider)',
    defaultNetwork: undefined,
  });
});

t.test('a proxy whose flags enable no Docker provider, or v2 Swarm mode, reads no container', async (t) => {
  t.match(providerReading(proxy('traefik:v3.0', ['--providers.file.directory=/dyn']), container), {
    unread: /enables no Docker provider/,
  });
  t.match(providerReading(proxy('traefik:v2.11', ['--providers.docker.swarmMode=true']), container), {
    unread: /Swarm mode .* reads Swarm services, not containers$/,
  });
  t.match(providerReading(proxy('traefik:v3.0', ['--providers.docker.swarmMode=true']), container), {
    unread: /Traefik v3 has no such option and would not start/,
  });
});

t.test(
  'Swarm services: v2 Swarm mode and v3 before 3.2.2 read traefik.docker.network; 3.2.2+ reads traefik.swarm.network first',
  async (t) => {
    t.match(
      providerReading(
        proxy('traefik:v2.11', ['--providers.docker.swarmMode=true', '--providers.docker.network=st_web']),
        swarm,
      ),
      {
        provider: 'docker-swarm-mode',
        reads: ['traefik.docker.network'],
        defaultNetwork: { value: 'st_web' },
      },
    );
    t.match(
      providerReading(proxy('traefik:v3.0', ['--providers.swarm=true', '--providers.swarm.network=st_web']), swarm),
      {
        description: 'Traefik v3.0 (Swarm provider)',
        reads: ['traefik.docker.network'],
        deprecated: [],
        dropsMixedLabels: false,
        defaultNetwork: { value: 'st_web', flag: '--providers.swarm.network=st_web' },
      },
    );
    t.match(providerReading(proxy('traefik:v3.3.1', ['--providers.swarm']), swarm), {
      reads: ['traefik.swarm.network', 'traefik.docker.network'],
      deprecated: ['traefik.docker.network'],
      dropsMixedLabels: true,
    });
    t.match(
      providerReading(proxy('traefik:v3', ['--providers.swarm']), swarm),
      { versionDependent: ['traefik.swarm.network'], dropsMixedLabels: 'unknown' },
      'v3 alone cannot tell',
    );
    t.match(providerReading(proxy('traefik:v3.0', ['--providers.docker']), swarm), {
      unread: /neither providers.swarm/,
    });
  },
);

t.test(
  'a configuration that is not on the command line: the default network and exposedByDefault are unseen',
  async (t) => {
    t.match(providerReading(proxy('traefik:v3.0', ['--configFile=/etc/traefik/traefik.yml']), container), {
      provider: 'docker',
      defaultNetwork: 'unseen',
      exposedByDefault: 'unseen',
    });
    t.match(providerReading(proxy('traefik:v2.11', []), swarm), {
      provider: 'docker-swarm-mode',
      defaultNetwork: 'unseen',
    });
  },
);

t.test(
  'the label rules by version hold for a provider read from a file or the environment as from flags',
  async (t) => {
    const fromFile = (image: string, text: string) => ({
      ...proxy(image, []),
      config: staticConfigOf({
        command: ['/entrypoint.sh', 'traefik'],
        env: { HOME: '/root' },
        envSeen: 'all',
        file: { kind: 'found', path: '/etc/traefik/traefik.yml', text, via: 'x', assumed: [] },
      }),
    });
    const yml = 'providers:\n  swarm:\n    network: edge_public\n';
    t.match(providerReading(fromFile('traefik:v3.0', yml), swarm), {
      provider: 'swarm',
      reads: ['traefik.docker.network'],
      defaultNetwork: {
        value: 'edge_public',
        flag: 'providers.swarm.network: edge_public in /etc/traefik/traefik.yml',
      },
    });
    t.match(providerReading(fromFile('traefik:v3.3', yml), swarm), {
      reads: ['traefik.swarm.network', 'traefik.docker.network'],
      deprecated: ['traefik.docker.network'],
      dropsMixedLabels: true,
    });
    t.match(
      providerReading(fromFile('traefik:v3', yml), swarm),
      { versionDependent: ['traefik.swarm.network'], dropsMixedLabels: 'unknown' },
      'a version the image does not pin stays unknown',
    );
    const fromEnv = {
      ...proxy('traefik:v2.11', []),
      config: staticConfigOf({
        command: ['traefik'],
        env: { TRAEFIK_PROVIDERS_DOCKER_SWARMMODE: 'true' },
        envSeen: 'all',
        file: { kind: 'none', searched: [], assumed: [] },
      }),
    };
    t.match(providerReading(fromEnv, swarm), { provider: 'docker-swarm-mode', reads: ['traefik.docker.network'] });
  },
);
