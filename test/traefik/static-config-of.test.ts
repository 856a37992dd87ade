import t from 'tap';
import { staticConfigOf } from '../../src/traefik/static-config-of.js';
import type { ConfigFileSearch, ProxyConfigRead } from '../../src/traefik/traefik.js';

// Traefik's static configuration from where Traefik takes it: the file its search finds, else the flags, else the
// TRAEFIK_* variables, else its defaults; and nothing guessed when the file cannot be read.

const SWARM_YML = 'providers:\n  swarm:\n    exposedByDefault: false\n';
const none: ConfigFileSearch = { kind: 'none', searched: ['/etc/traefik/traefik.toml'], assumed: [] };
const found = (path: string, text: string): ConfigFileSearch => ({
  kind: 'found',
  path,
  text,
  via: 'read from container edge_proxy.1',
  assumed: [],
});
const read = (parts: Partial<ProxyConfigRead>): ProxyConfigRead => ({
  command: ['/entrypoint.sh', 'traefik'],
  env: { HOME: '/root' },
  envSeen: 'all',
  file: none,
  ...parts,
});

t.test(
  'a file it finds: YAML or TOML, read even when flags and variables are set too (they are then ignored)',
  async (t) => {
    const yml = staticConfigOf(
      read({
        command: ['traefik', '--providers.docker=true'],
        env: { TRAEFIK_PROVIDERS_DOCKER: 'true' },
        file: found('/etc/traefik/traefik.yml', SWARM_YML),
      }),
    );
    t.match(yml, {
      source: 'file',
      configFile: '/etc/traefik/traefik.yml',
      where: 'the file /etc/traefik/traefik.yml (read from container edge_proxy.1)',
      docker: undefined,
      swarm: { exposedByDefault: false, network: undefined },
    });
    const toml = staticConfigOf(
      read({ file: found('/etc/traefik/traefik.toml', '[providers.swarm]\nnetwork = "edge_public"\n') }),
    );
    t.match(toml.swarm, {
      network: 'edge_public',
      networkFlag: 'providers.swarm.network: edge_public in /etc/traefik/traefik.toml',
      exposedByDefault: true,
    });
  },
);

t.test('no file: the flags; no flags: the TRAEFIK_* variables; neither: the defaults, no provider', async (t) => {
  const flags = staticConfigOf(
    read({ command: ['traefik', '--providers.swarm.network=edge_back'], env: { TRAEFIK_PROVIDERS_DOCKER: 'true' } }),
  );
  t.match(flags, { source: 'flags', where: 'the command line', docker: undefined, swarm: { network: 'edge_back' } });
  const env = staticConfigOf(
    read({
      env: { TRAEFIK_PROVIDERS_SWARM_EXPOSEDBYDEFAULT: 'false', TRAEFIK_PROVIDERS_SWARM_NETWORK: 'edge_public' },
    }),
  );
  t.match(env, {
    source: 'env',
    where: 'its TRAEFIK_* variables',
    swarm: {
      exposedByDefault: false,
      network: 'edge_public',
      networkFlag: 'TRAEFIK_PROVIDERS_SWARM_NETWORK=edge_public',
    },
  });
  const defaults = staticConfigOf(read({}));
  t.match(defaults, { source: 'defaults', docker: undefined, swarm: undefined });
  t.match(defaults.api, /not enabled/);
});

t.test('a file that is there but cannot be read or parsed, or a path not looked at: unseen, saying why', async (t) => {
  const bad = staticConfigOf(read({ file: found('/etc/traefik/traefik.yml', 'providers: [\n') }));
  t.match(bad, { source: 'unseen', configFile: '/etc/traefik/traefik.yml', docker: undefined, swarm: undefined });
  t.match(bad.unseen, /cannot parse: YAML does not parse/);
  const directory = staticConfigOf(
    read({ file: { kind: 'unreadable', path: '/etc/traefik/traefik.yml', why: 'it is a directory' } }),
  );
  t.match(directory, { source: 'unseen' });
  t.match(directory.unseen, /cannot read: it is a directory/);
  const remote = staticConfigOf(
    read({ file: { kind: 'unknown', path: '/etc/traefik/traefik.yml', why: 'a bind mount on node vps-2' } }),
  );
  t.match(remote.unseen, /may read a configuration file at \/etc\/traefik\/traefik\.yml.*bind mount on node vps-2/);
});

t.test('only the service spec seen (a proxy on another node): what was taken as true is said', async (t) => {
  const config = staticConfigOf(
    read({
      command: [],
      envSeen: 'spec',
      env: { TRAEFIK_PROVIDERS_SWARM: 'true' },
      file: { kind: 'none', searched: [], assumed: ['the image holds no configuration file of its own'] },
    }),
  );
  t.match(config, { source: 'env', swarm: { exposedByDefault: true } });
  t.same(config.assumed, [
    'the image holds no configuration file of its own',
    "the image's own environment holds no TRAEFIK_* variable",
  ]);
});
