import t from 'tap';
import { readFlags, readStaticConfig } from '../../src/traefik/read-static-config.js';

// Traefik's static configuration from the proxy's command line, parsed as Traefik's flag parser does.

t.test('Compose with the Docker provider: the default network and exposedByDefault', async (t) => {
  const config = readStaticConfig([
    '/entrypoint.sh',
    '--providers.docker=true',
    '--providers.docker.network=shop_web',
    '--providers.docker.exposedByDefault=false',
    '--entrypoints.web.address=:80',
  ]);
  t.equal(config.source, 'flags');
  t.same(config.docker, {
    network: 'shop_web',
    networkFlag: '--providers.docker.network=shop_web',
    exposedByDefault: false,
    swarmMode: false,
    useBindPortIP: false,
    constraints: undefined,
    allowEmptyServices: false,
  });
  t.equal(config.swarm, undefined, 'the Swarm provider is off');
});

t.test('keys are case-insensitive; values may follow as the next word; bool flags stand bare', async (t) => {
  const config = readStaticConfig([
    'traefik',
    '--api.insecure',
    '--Providers.Docker',
    '--providers.docker.network',
    'web',
    '-providers.docker.swarmMode',
    '--log.level',
    'DEBUG',
  ]);
  t.match(config.docker, {
    network: 'web',
    networkFlag: '--providers.docker.network=web',
    swarmMode: true,
    exposedByDefault: true,
  });
  t.equal(config.flags['log.level'], undefined, 'a setting dockprobe does not read is not kept (secrets stay behind)');
  t.equal(readFlags(['traefik', '--log.level', 'DEBUG']).values['log.level'], 'DEBUG');
  t.equal(config.flags['api.insecure'], 'true', 'a bare bool flag does not swallow the next flag');
});

t.test('v2 Swarm mode; v3 Swarm provider with its own default network', async (t) => {
  t.match(
    readStaticConfig(['traefik', '--providers.docker.swarmMode=true', '--providers.docker.network=stack_web']).docker,
    { swarmMode: true, network: 'stack_web' },
  );
  const v3 = readStaticConfig([
    'traefik',
    '--providers.swarm.endpoint=unix:///var/run/docker.sock',
    '--providers.swarm.network=stack_web',
  ]);
  t.equal(v3.docker, undefined);
  t.match(v3.swarm, { network: 'stack_web', networkFlag: '--providers.swarm.network=stack_web', swarmMode: false });
});

t.test('a provider set to false is off, even with options under it', async (t) => {
  t.equal(
    readStaticConfig([
      'traefik',
      '--providers.docker=false',
      '--providers.docker.network=x',
      '--providers.file.directory=/etc/traefik',
    ]).docker,
    undefined,
  );
  t.equal(
    readStaticConfig(['traefik', '--providers.file.directory=/etc/traefik']).docker,
    undefined,
    'only the file provider',
  );
});

t.test('parsing ends at -- or at the first word that is not a flag, as in Traefik', async (t) => {
  t.same(
    readStaticConfig(['traefik', '--providers.docker', '--', '--providers.docker.network=late']).docker?.network,
    undefined,
  );
  t.same(
    readStaticConfig(['traefik', '--providers.docker', 'stray', '--providers.docker.network=late']).docker?.network,
    undefined,
  );
});

t.test('a configuration file, or no flags at all: the configuration is not seen, and nothing is guessed', async (t) => {
  const file = readStaticConfig([
    'traefik',
    '--configFile=/etc/traefik/traefik.yml',
    '--providers.docker.network=ignored',
  ]);
  t.match(file, { source: 'unseen', configFile: '/etc/traefik/traefik.yml', docker: undefined, swarm: undefined });
  t.match(file.unseen, /reads the configuration file \/etc\/traefik\/traefik\.yml, which was not read/);
  t.match(readStaticConfig(['/entrypoint.sh', 'traefik']), { source: 'unseen', docker: undefined });
  t.match(readStaticConfig([]), { source: 'unseen' });
});
