import { join } from 'node:path';
import t from 'tap';
import {
  contextDirName,
  type EndpointFiles,
  endpointOptions,
  resolveEndpoint,
  tlsFromEnv,
} from '../../src/docker/docker-endpoint.js';

// The engine dockprobe talks to is the one the docker CLI would: DOCKER_HOST, then DOCKER_CONTEXT, then the config's
// currentContext, each context read from its meta.json under contexts/meta/<sha256 of its name>/.

const home = '/home/u';
const files = (tree: Record<string, string>): EndpointFiles => ({
  readFile: (path) => tree[path],
  exists: (path) => path in tree,
  home,
});
const meta = (name: string, host: string, skip = false) =>
  JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: skip } } });
const metaPath = (dir: string, name: string) => join(dir, 'contexts', 'meta', contextDirName(name), 'meta.json');
const tlsDir = (dir: string, name: string) => join(dir, 'contexts', 'tls', contextDirName(name), 'docker');

t.test("a context's directory is the SHA-256 of its name, as the docker CLI names it", async (t) => {
  t.equal(contextDirName('default'), '37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f');
});

t.test(
  'DOCKER_HOST wins over any context; TLS as DOCKER_TLS_VERIFY, DOCKER_TLS and DOCKER_CERT_PATH say',
  async (t) => {
    const tree = files({ [join(home, '.docker', 'config.json')]: '{"currentContext":"prod"}' });
    t.same(resolveEndpoint({ DOCKER_HOST: 'tcp://10.9.0.2:2375', DOCKER_CONTEXT: 'prod' }, tree), {
      url: 'tcp://10.9.0.2:2375',
    });
    t.same(resolveEndpoint({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/c' }, tree), {
      url: 'tcp://h:2376',
      tls: { dir: '/c', verify: true },
    });
    // The CLI takes any value of DOCKER_TLS_VERIFY, and the config directory when DOCKER_CERT_PATH is unset.
    t.same(resolveEndpoint({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: 'yes' }, tree).tls, {
      dir: join(home, '.docker'),
      verify: true,
    });
    t.same(resolveEndpoint({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS: '1', DOCKER_CONFIG: '/cfg' }, tree).tls, {
      dir: '/cfg',
      verify: false,
    });
    // Docker's TLS port without TLS variables: TLS, verified, as docker-modem speaks it (dockprobe's behaviour before
    // it read the environment itself); another port: plain HTTP, as in the CLI.
    t.same(resolveEndpoint({ DOCKER_HOST: 'tcp://h:2376', DOCKER_CERT_PATH: '/c' }, tree), {
      url: 'tcp://h:2376',
      tls: { dir: '/c', verify: true },
    });
    t.same(resolveEndpoint({ DOCKER_HOST: 'tcp://h:2375', DOCKER_CERT_PATH: '/c' }, tree), { url: 'tcp://h:2375' });
    // TLS settings mean nothing to a socket or ssh.
    t.same(resolveEndpoint({ DOCKER_HOST: 'ssh://me@h', DOCKER_TLS_VERIFY: '1' }, tree), { url: 'ssh://me@h' });
    t.equal(tlsFromEnv({}), undefined);
  },
);

t.test('DOCKER_CONTEXT, then currentContext; default is the socket', async (t) => {
  const cfg = '/cfg';
  const tree = files({
    [join(cfg, 'config.json')]: '{"auths":{},"currentContext":"prod"}',
    [metaPath(cfg, 'prod')]: meta('prod', 'tcp://prod.example:2376'),
    [join(tlsDir(cfg, 'prod'), 'ca.pem')]: 'CA',
    [metaPath(cfg, 'lab')]: meta('lab', 'ssh://root@lab'),
    [metaPath(cfg, 'loose')]: meta('loose', 'tcp://10.1.1.1:2376', true),
    [join(tlsDir(cfg, 'loose'), 'cert.pem')]: 'C',
  });
  t.same(resolveEndpoint({ DOCKER_CONFIG: cfg }, tree), {
    url: 'tcp://prod.example:2376',
    context: 'prod',
    tls: { dir: tlsDir(cfg, 'prod'), verify: true },
  });
  t.same(resolveEndpoint({ DOCKER_CONFIG: cfg, DOCKER_CONTEXT: 'lab' }, tree), {
    url: 'ssh://root@lab',
    context: 'lab',
  });
  t.same(resolveEndpoint({ DOCKER_CONFIG: cfg, DOCKER_CONTEXT: 'loose' }, tree).tls, {
    dir: tlsDir(cfg, 'loose'),
    verify: false,
  });
  t.same(resolveEndpoint({ DOCKER_CONFIG: cfg, DOCKER_CONTEXT: 'default' }, tree), {
    url: 'unix:///var/run/docker.sock',
  });
  // No config file: the default socket; the config under the home directory when DOCKER_CONFIG is unset.
  t.same(resolveEndpoint({}, files({})), { url: 'unix:///var/run/docker.sock' });
  t.same(
    resolveEndpoint(
      {},
      files({
        [join(home, '.docker', 'config.json')]: '{"currentContext":"lab"}',
        [metaPath(join(home, '.docker'), 'lab')]: meta('lab', 'unix:///run/lab.sock'),
      }),
    ),
    { url: 'unix:///run/lab.sock', context: 'lab' },
  );
});

t.test(
  'a context that does not exist, or has no Docker endpoint: exit 2 naming it and where it was looked for',
  async (t) => {
    const cfg = '/cfg';
    const tree = files({
      [join(cfg, 'config.json')]: '{"currentContext":"gone"}',
      [metaPath(cfg, 'k8s')]: JSON.stringify({ Name: 'k8s', Endpoints: {} }),
      [metaPath(cfg, 'bad')]: '{',
    });
    t.throws(() => resolveEndpoint({ DOCKER_CONFIG: cfg }, tree), {
      code: 'DP_USAGE',
      message: new RegExp(
        `^Docker context 'gone' \\(currentContext in /cfg/config.json\\) does not exist: no ${metaPath(cfg, 'gone')}$`,
      ),
      hint: /docker context ls/,
    });
    t.throws(() => resolveEndpoint({ DOCKER_CONFIG: cfg, DOCKER_CONTEXT: 'gone' }, tree), {
      message: /^Docker context 'gone' \(DOCKER_CONTEXT\) does not exist/,
    });
    t.throws(() => resolveEndpoint({ DOCKER_CONFIG: cfg, DOCKER_CONTEXT: 'k8s' }, tree), {
      code: 'DP_USAGE',
      message: /^Docker context 'k8s' has no Docker endpoint/,
    });
    t.throws(() => resolveEndpoint({ DOCKER_CONFIG: cfg, DOCKER_CONTEXT: 'bad' }, tree), {
      code: 'DP_USAGE',
      message: /is not JSON/,
    });
    t.throws(() => resolveEndpoint({ DOCKER_CONFIG: '/x' }, files({ '/x/config.json': 'not json' })), {
      code: 'DP_USAGE',
      message: '/x/config.json is not JSON',
    });
  },
);

t.test('dockerode options carry the TLS material and verification the endpoint says', async (t) => {
  const pem = (path: string) => (path.startsWith('/c/') ? Buffer.from(path) : undefined);
  t.same(endpointOptions('tcp://10.9.0.2:2376', { dir: '/c', verify: true }, pem), {
    protocol: 'https',
    host: '10.9.0.2',
    port: 2376,
    ca: Buffer.from('/c/ca.pem'),
    cert: Buffer.from('/c/cert.pem'),
    key: Buffer.from('/c/key.pem'),
  });
  const loose = endpointOptions('tcp://h', { dir: '/none', verify: false }, pem);
  t.match(loose, { protocol: 'https', host: 'h', port: 2376 });
  t.equal('agent' in loose && loose.agent?.options.rejectUnauthorized, false);
  t.same(endpointOptions('tcp://h'), { protocol: 'http', host: 'h', port: 2375 });
  t.same(endpointOptions('https://[fd00::2]:9'), { protocol: 'https', host: 'fd00::2', port: 9 });
  const ssh6 = endpointOptions('ssh://me@[fd00::2]:2222');
  t.equal('host' in ssh6 ? ssh6.host : undefined, 'fd00::2', 'an IPv6 host without its URL brackets');
  t.equal('port' in ssh6 ? ssh6.port : undefined, 2222);
});
