import t from 'tap';
import { parseConfigFile } from '../../src/traefik/parse-config-file.js';

// A configuration file flattened as Traefik's file decoder reads it: by extension, keys case-insensitive.

const values = (path: string, text: string) => {
  const parsed = parseConfigFile(path, text);
  return 'error' in parsed ? parsed : parsed.values;
};

t.test('YAML: nested keys, any case; an empty section is set, a key with no value is not', async (t) => {
  const yml = 'providers:\n  swarm:\n    exposedByDefault: false\n    network: edge_public\n  docker:\napi: {}\n';
  t.same(values('/etc/traefik/traefik.yml', yml), {
    'providers.swarm.exposedbydefault': 'false',
    'providers.swarm.network': 'edge_public',
    api: '',
  });
  const parsed = parseConfigFile('/etc/traefik/traefik.yaml', yml);
  t.equal(
    'error' in parsed ? parsed.error : parsed.describe('providers.swarm.network'),
    'providers.swarm.network: edge_public in /etc/traefik/traefik.yaml',
    'a setting is shown as written, with its file',
  );
  t.same(values('/t.yml', 'Providers:\n  Swarm:\n    ExposedByDefault: false\n'), {
    'providers.swarm.exposedbydefault': 'false',
  });
  t.same(
    values('/t.yml', 'x-common: &common\n  exposedByDefault: false\nproviders:\n  swarm:\n    <<: *common\n'),
    { 'x-common.exposedbydefault': 'false', 'providers.swarm.exposedbydefault': 'false' },
    'merge keys, as yaml.v3 reads them',
  );
});

t.test('TOML, and JSON read as YAML', async (t) => {
  t.same(
    values('/etc/traefik/traefik.toml', '[providers.swarm]\nexposedByDefault = false\n\n[api]\ninsecure = true\n'),
    { 'providers.swarm.exposedbydefault': 'false', 'api.insecure': 'true' },
  );
  t.same(values('/t.toml', '[providers.swarm]\n'), { 'providers.swarm': '' }, 'an empty table enables its section');
  t.same(values('/t.json', '{"providers": {"docker": {"network": "web"}}}'), { 'providers.docker.network': 'web' });
});

t.test('what Traefik would refuse is an error here, saying why', async (t) => {
  t.match(values('/t.yml', 'providers: [\n'), { error: /YAML does not parse/ });
  t.match(values('/t.toml', 'providers = \n'), { error: /TOML does not parse/ });
  t.match(values('/t.yml', ''), { error: /no configuration found/ });
  t.match(values('/t.yml', '- a\n- b\n'), { error: /not a mapping/ });
  t.match(values('/t.conf', 'a: 1\n'), { error: /unsupported file extension \.conf/ });
});
