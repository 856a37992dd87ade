import t from 'tap';
import { configSearchPaths } from '../../src/traefik/config-search-paths.js';

// Where Traefik looks for its configuration file, in its finder's order, expanded as Go's os.ExpandEnv expands.

t.test(
  'the default search: /etc/traefik, $XDG_CONFIG_HOME, $HOME/.config, the working directory; toml, yaml, yml',
  async (t) => {
    t.same(configSearchPaths(undefined, { HOME: '/root', XDG_CONFIG_HOME: '/xdg' }, '/srv'), [
      '/etc/traefik/traefik.toml',
      '/etc/traefik/traefik.yaml',
      '/etc/traefik/traefik.yml',
      '/xdg/traefik.toml',
      '/xdg/traefik.yaml',
      '/xdg/traefik.yml',
      '/root/.config/traefik.toml',
      '/root/.config/traefik.yaml',
      '/root/.config/traefik.yml',
      '/srv/traefik.toml',
      '/srv/traefik.yaml',
      '/srv/traefik.yml',
    ]);
  },
);

t.test('an unset XDG_CONFIG_HOME expands to nothing: /traefik.*, which the working directory / repeats', async (t) => {
  const paths = configSearchPaths(undefined, { HOME: '/' }, '');
  t.same(paths.slice(3, 6), ['/traefik.toml', '/traefik.yaml', '/traefik.yml']);
  t.same(paths.slice(6, 9), ['/.config/traefik.toml', '/.config/traefik.yaml', '/.config/traefik.yml']);
  t.equal(paths.length, 9, 'each path once, in its first place');
});

t.test('--configFile first, relative to the working directory, with its variables expanded', async (t) => {
  t.same(configSearchPaths('conf/traefik.yml', { HOME: '/root' }, '/opt/app').slice(0, 2), [
    '/opt/app/conf/traefik.yml',
    '/etc/traefik/traefik.toml',
  ]);
  const braced = ['$', '{HOME}/t.toml'].join('');
  t.equal(configSearchPaths(braced, { HOME: '/home/me' }, '/')[0], '/home/me/t.toml', 'the braced form too');
  t.equal(configSearchPaths('  ', { HOME: '/root' }, '/')[0], '/etc/traefik/traefik.toml', 'a blank one is none');
});
