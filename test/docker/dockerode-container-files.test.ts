import { pack } from 'tar-stream';
import t from 'tap';
import { DockerodeEngine } from '../../src/docker/dockerode-engine.js';
import { fakeEngineSocket, useEngine } from '../fixtures/fake-engine-socket.js';

// Reading a file out of a container through the archive endpoint (a tar; nothing runs in the container), the process
// settings inspect gives, and swarm configs with their base64 content, against a scripted engine socket.

/** A tar holding one entry, as the engine streams it for one path. */
async function tarOf(entry: {
  name: string;
  type?: 'file' | 'directory' | 'symlink';
  content?: string;
  link?: string;
}) {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => tar.on('end', () => resolve()));
  tar.entry(
    { name: entry.name, type: entry.type ?? 'file', ...(entry.link ? { linkname: entry.link } : {}) },
    entry.content ?? '',
  );
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** The archive endpoint's path stat header: base64 JSON with Go's FileMode bits. */
function stat(fields: { size?: number; mode: number; linkTarget?: string }): Record<string, string> {
  const json = { name: 'x', mtime: '2026-01-01T00:00:00Z', linkTarget: '', size: 0, ...fields };
  return { 'x-docker-container-path-stat': Buffer.from(JSON.stringify(json)).toString('base64') };
}

const DIR = 2 ** 31 + 0o755;
const SYMLINK = 2 ** 27 + 0o777;

t.test(
  'readFile: a file, a missing path, a directory, a link, one too large, and a container that is gone',
  async (t) => {
    const yml = 'providers:\n  swarm:\n    exposedByDefault: false\n';
    const file = await tarOf({ name: 'traefik.yml', content: yml });
    const dir = await tarOf({ name: 'tardir', type: 'directory' });
    const engine = await fakeEngineSocket([
      [/^\/containers\/gone\/archive/, () => ({ status: 404, body: { message: 'No such container: gone' } })],
      [
        /^\/containers\/c1\/archive\?path=%2Fetc%2Ftraefik%2Ftraefik\.yml$/,
        () => ({ status: 200, body: file, headers: stat({ size: yml.length, mode: 0o644 }) }),
      ],
      [
        /^\/containers\/c1\/archive\?path=%2Fetc%2Ftraefik%2Ftraefik\.toml$/,
        () => ({ status: 404, body: { message: 'Could not find the file /etc/traefik/traefik.toml in container c1' } }),
      ],
      [/^\/containers\/c1\/archive\?path=%2Fdir/, () => ({ status: 200, body: file, headers: stat({ mode: DIR }) })],
      [
        /^\/containers\/c1\/archive\?path=%2Flink/,
        () => ({ status: 200, body: file, headers: stat({ mode: SYMLINK, linkTarget: '/etc/traefik/traefik.yml' }) }),
      ],
      [
        /^\/containers\/c1\/archive\?path=%2Fbig/,
        () => ({ status: 200, body: file, headers: stat({ size: 5 << 20, mode: 0o644 }) }),
      ],
      // Without the stat header (an engine that does not send it), the tar says what the path is.
      [/^\/containers\/c1\/archive\?path=%2Fplain/, () => ({ status: 200, body: file })],
      [/^\/containers\/c1\/archive\?path=%2Ftardir/, () => ({ status: 200, body: dir })],
    ]);
    t.teardown(engine.close);
    useEngine(t, engine.endpoint);
    const runtime = new DockerodeEngine({ apiTimeoutMs: 5000 });
    const read = (path: string, id = 'c1') => runtime.containers.readFile(id, path, 1 << 20);
    const found = await read('/etc/traefik/traefik.yml');
    t.same(found.kind === 'file' ? found.content.toString() : found, yml, 'the file, out of its tar');
    t.same(await read('/etc/traefik/traefik.toml'), { kind: 'missing' }, 'a path that is not there');
    t.same(await read('/dir'), { kind: 'not-a-file', what: 'directory' });
    t.same(
      await read('/link'),
      { kind: 'symlink', target: '/etc/traefik/traefik.yml' },
      'a link, as the path it resolves to',
    );
    t.same(await read('/big'), { kind: 'too-large', size: 5 << 20 }, 'not read past the limit');
    const plain = await read('/plain');
    t.same(plain.kind === 'file' ? plain.content.toString() : plain, yml);
    t.same(await read('/tardir'), { kind: 'not-a-file', what: 'directory' });
    await t.rejects(
      read('/etc/traefik/traefik.yml', 'gone'),
      /read \/etc\/traefik\/traefik\.yml from container gone failed \(HTTP 404\)/,
    );
  },
);

t.test('runConfig: the environment, working directory and user inspect gives', async (t) => {
  const engine = await fakeEngineSocket([
    [
      /^\/containers\/c1\/json/,
      () => ({
        status: 200,
        body: {
          Id: 'c1',
          Config: { Env: ['PATH=/bin', 'TRAEFIK_API_INSECURE=true'], WorkingDir: '/srv', User: '1000' },
        },
      }),
    ],
  ]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  const runtime = new DockerodeEngine({ apiTimeoutMs: 5000 });
  t.same(await runtime.containers.runConfig('c1'), {
    env: ['PATH=/bin', 'TRAEFIK_API_INSECURE=true'],
    workingDir: '/srv',
    user: '1000',
  });
});

t.test('swarm configs: listed, and one inspected with its base64 content decoded', async (t) => {
  const text = '[providers.swarm]\nexposedByDefault = false\n';
  const config = {
    ID: 'cfg1',
    Spec: {
      Name: 'edge_traefik',
      Labels: { 'com.docker.stack.namespace': 'edge' },
      Data: Buffer.from(text).toString('base64'),
    },
  };
  const engine = await fakeEngineSocket([
    [/^\/configs\/cfg1$/, () => ({ status: 200, body: config })],
    [/^\/configs/, () => ({ status: 200, body: [config] })],
  ]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  const runtime = new DockerodeEngine({ apiTimeoutMs: 5000 });
  t.same(await runtime.swarm.listConfigs(), [
    { id: 'cfg1', name: 'edge_traefik', labels: { 'com.docker.stack.namespace': 'edge' } },
  ]);
  const inspected = await runtime.swarm.inspectConfig('cfg1');
  t.equal(inspected.data.toString(), text);
});
