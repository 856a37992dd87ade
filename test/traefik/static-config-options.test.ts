import t from 'tap';
import { staticConfigFrom } from '../../src/traefik/static-config-options.js';

// The settings dockprobe reads from one source: the providers' options and where the API answers.

const config = (values: Record<string, string>) =>
  staticConfigFrom(
    { values, describe: (k) => `${k}=${values[k]}` },
    { source: 'flags', where: 'the command line', configFile: undefined },
  );

t.test(
  'a provider: on by its section or any option, off when set false; constraints and allowEmptyServices',
  async (t) => {
    t.match(config({ 'providers.swarm': '' }).swarm, { exposedByDefault: true, constraints: undefined });
    t.equal(config({ 'providers.swarm': 'false', 'providers.swarm.network': 'x' }).swarm, undefined);
    t.match(
      config({
        'providers.docker.constraints': 'Label(`a`, `b`)',
        'providers.docker.allowemptyservices': 'true',
        'providers.docker.usebindportip': 'true',
      }).docker,
      { constraints: 'Label(`a`, `b`)', allowEmptyServices: true, useBindPortIP: true },
    );
  },
);

t.test("the API: api.insecure on Traefik's own entrypoint, :8080 unless the configuration moves it", async (t) => {
  t.same(config({ 'api.insecure': 'true' }).api, {
    host: '127.0.0.1',
    port: 8080,
    basePath: '',
  });
  t.match(config({ 'api.insecure': 'true', 'entrypoints.traefik.address': '127.0.0.2:9000/tcp' }).api, {
    host: '127.0.0.2',
    port: 9000,
  });
  t.match(config({ 'api.insecure': 'true', 'entrypoints.traefik.address': '[::]:9001' }).api, {
    host: '127.0.0.1',
    port: 9001,
  });
  t.match(config({ 'api.insecure': 'true', 'api.basepath': 'traefik/' }).api, { basePath: '/traefik' });
  t.match(config({ api: 'true', 'api.dashboard': 'true' }).api, /api\.insecure is not set in the command line/);
  t.match(config({}).api, /not enabled in the command line/);
  t.match(config({ 'api.insecure': 'true', 'entrypoints.traefik.address': 'proxy.local:8080' }).api, /host name/);
  t.match(config({ 'api.insecure': 'true', 'entrypoints.traefik.address': ':http' }).api, /not one dockprobe can read/);
});

t.test('only the settings dockprobe reads are kept', async (t) => {
  t.same(
    config({
      'providers.swarm.network': 'x',
      'certificatesresolvers.le.acme.email': 'ops@example.test',
      'entrypoints.traefik.address': ':8080',
      'entrypoints.web.address': ':80',
    }).flags,
    { 'providers.swarm.network': 'x', 'entrypoints.traefik.address': ':8080' },
  );
});
