import { Readable } from 'node:stream';
import t from 'tap';
import { DockerodeEngine } from '../../src/docker/dockerode-engine.js';
import { fakeEngineSocket, useEngine } from '../fixtures/fake-engine-socket.js';

// The real client against a scripted engine socket.

const inspect = (id: string, name: string) => ({
  Id: id,
  Name: `/${name}`,
  Image: 'sha256:1',
  RestartCount: 0,
  State: { Status: 'running', Running: true, Restarting: false, StartedAt: '2026-11-26T10:00:00Z' },
  Config: { Image: 'probe', Labels: {}, ExposedPorts: {} },
  HostConfig: { NetworkMode: 'default', PortBindings: {} },
  NetworkSettings: { Networks: {}, Ports: {} },
});

t.test('a container removed between list and inspect is simply gone, not an error', async (t) => {
  // A soak run of the integration suite hit this: probes exit and are removed while a listing inspects them.
  const engine = await fakeEngineSocket([
    [/^\/containers\/json/, () => ({ status: 200, body: [{ Id: 'a'.repeat(64) }, { Id: 'b'.repeat(64) }] })],
    [/^\/containers\/a+\/json/, () => ({ status: 404, body: { message: `No such container: ${'a'.repeat(64)}` } })],
    [/^\/containers\/b+\/json/, () => ({ status: 200, body: inspect('b'.repeat(64), 'still-here') })],
  ]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  const runtime = new DockerodeEngine({ apiTimeoutMs: 5000 });
  const list = await runtime.containers.list({ all: true });
  t.same(
    list.map((c) => c.name),
    ['still-here'],
  );
});

t.test("Podman's word for a container removed between list and inspect (HTTP 500): gone as well", async (t) => {
  const id = 'a'.repeat(64);
  const engine = await fakeEngineSocket([
    [/^\/containers\/json/, () => ({ status: 200, body: [{ Id: id }, { Id: 'b'.repeat(64) }] })],
    [
      /^\/containers\/a+\/json/,
      () => ({
        status: 500,
        body: {
          cause: 'no such container',
          message: `no container with ID ${id} found in database: no such container`,
        },
      }),
    ],
    [/^\/containers\/b+\/json/, () => ({ status: 200, body: inspect('b'.repeat(64), 'still-here') })],
  ]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  const runtime = new DockerodeEngine({ apiTimeoutMs: 5000 });
  t.same(
    (await runtime.containers.list({ all: true })).map((c) => c.name),
    ['still-here'],
  );
  t.equal(await runtime.containers.inspect(id), undefined);
});

t.test('any other inspect failure still fails the listing, naming the container', async (t) => {
  const engine = await fakeEngineSocket([
    [/^\/containers\/json/, () => ({ status: 200, body: [{ Id: 'c'.repeat(64) }] })],
    [/^\/containers\/c+\/json/, () => ({ status: 500, body: { message: 'driver failed' } })],
  ]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  await t.rejects(new DockerodeEngine({ apiTimeoutMs: 5000 }).containers.list(), {
    code: 'DP_DOCKER_API',
    message: /inspect container cccccccccccc failed \(HTTP 500\): driver failed/,
  });
});

t.test(
  'an engine silent mid-run: a wait that fails ends at its deadline, its kill bounded too, never a hang',
  async (t) => {
    // The engine answered everything up to the probe's start, then stopped answering: the wait fails at its deadline,
    // and the kill sent to stop the probe gets no answer either.
    const id = 'd'.repeat(64);
    const engine = await fakeEngineSocket([
      [/^\/_ping/, () => ({ status: 200, body: 'OK' })],
      [/^\/containers\/d+\/wait/, () => undefined],
      [/^\/containers\/d+\/kill/, () => undefined],
    ]);
    t.teardown(engine.close);
    useEngine(t, engine.endpoint);
    const runtime = new DockerodeEngine({ apiTimeoutMs: 500 });
    const started = Date.now();
    const hung = new Promise<string>((resolve) => setTimeout(() => resolve('hung'), 8000).unref());
    const outcome = await Promise.race([
      runtime.containers.wait(id, 300).then(
        () => 'resolved',
        (error: Error) => error.message,
      ),
      hung,
    ]);
    t.match(outcome, /wait for container dddddddddddd/, 'the wait fails, naming the container');
    t.ok(Date.now() - started < 3000, `ended in ${Date.now() - started} ms: the wait's deadline, then the kill's`);
    t.ok(
      engine.requests.some((r) => r.startsWith('POST /containers/') && r.includes('/kill')),
      'the probe was sent a kill',
    );
  },
);

t.test(
  "the events of a window are asked for to the millisecond: the window's last fraction of a second is read too",
  async (t) => {
    let query = '';
    const engine = await fakeEngineSocket([
      [
        /^\/events/,
        (req) => {
          query = new URL(req.url ?? '', 'http://engine').search;
          return {
            status: 200,
            body: `${JSON.stringify({ Type: 'container', Action: 'pause', Actor: { ID: 'e'.repeat(64), Attributes: {} }, timeNano: 1_764_240_007_950_000_000 })}\n`,
          };
        },
      ],
    ]);
    t.teardown(engine.close);
    useEngine(t, engine.endpoint);
    const events = await new DockerodeEngine({ apiTimeoutMs: 5000 }).events.list(1_764_240_000_123, 1_764_240_007_980);
    const params = new URLSearchParams(query);
    t.equal(params.get('since'), '1764240000.123');
    t.equal(params.get('until'), '1764240007.98', 'not 1764240007: a pause at .95 s would be lost');
    t.same(
      events.map((e) => [e.action, e.timeMs]),
      [['pause', 1_764_240_007_950]],
    );
  },
);

t.test('a forced disconnect the engine refuses names the container and the network', async (t) => {
  const network = 'f'.repeat(64);
  const engine = await fakeEngineSocket([
    [/^\/networks\/f+\/disconnect/, () => ({ status: 500, body: { message: 'driver failed' } })],
  ]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  await t.rejects(new DockerodeEngine({ apiTimeoutMs: 5000 }).networks.disconnect(network, 'shop-api-1'), {
    code: 'DP_DOCKER_API',
    message: 'docker: disconnect shop-api-1 from network ffffffffffff failed (HTTP 500): driver failed',
  });
});

t.test('a load of an image archive names the image, whether the engine refuses it or never answers', async (t) => {
  const engine = await fakeEngineSocket([[/^\/images\/load/, () => ({ status: 500, body: { message: 'no space' } })]]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  const images = new DockerodeEngine({ apiTimeoutMs: 5000 }).images;
  await t.rejects(images.load(Readable.from(['tar']), 5000, 'dockprobe-probe:test'), {
    code: 'DP_DOCKER_API',
    message: /^docker: load image dockprobe-probe:test failed \(HTTP 500\)/,
  });
  const silent = await fakeEngineSocket([[/^\/images\/load/, () => undefined]]);
  t.teardown(silent.close);
  useEngine(t, silent.endpoint);
  await t.rejects(
    new DockerodeEngine({ apiTimeoutMs: 5000 }).images.load(Readable.from(['tar']), 200, 'dockprobe-probe:test'),
    { code: 'DP_TIMEOUT', message: `load image dockprobe-probe:test at ${silent.endpoint}: no answer within 200 ms` },
  );
});

t.test("the engine's firewall backend, where it reports one, and nothing where it does not", async (t) => {
  const version = { Version: '28.5.2', ApiVersion: '1.51', Os: 'linux', Arch: 'amd64' };
  for (const [info, expected] of [
    [{ FirewallBackend: { Driver: 'nftables' } }, 'nftables'],
    [{ FirewallBackend: { Driver: 'iptables+firewalld', Info: [['ReloadedAt', 'now']] } }, 'iptables+firewalld'],
    [{}, undefined],
  ] as const) {
    const engine = await fakeEngineSocket([
      [/^\/_ping/, () => ({ status: 200, body: 'OK' })],
      [/^\/version/, () => ({ status: 200, body: version })],
      [/^\/info/, () => ({ status: 200, body: { Swarm: { LocalNodeState: 'inactive' }, ...info } })],
    ]);
    t.teardown(engine.close);
    useEngine(t, engine.endpoint);
    const read = await new DockerodeEngine({ apiTimeoutMs: 5000 }).system.info();
    t.equal(read.firewallBackend, expected, JSON.stringify(info));
    t.notOk('firewallBackend' in read && expected === undefined, 'absent, not undefined, where the engine is silent');
  }
});

t.test('Podman answering the Docker API is told from Docker Engine by its version components', async (t) => {
  for (const [components, product] of [
    [[{ Name: 'Podman Engine' }, { Name: 'Conmon' }], 'podman'],
    [[{ Name: 'Engine' }, { Name: 'containerd' }], 'docker'],
  ] as const) {
    const engine = await fakeEngineSocket([
      [/^\/_ping/, () => ({ status: 200, body: 'OK' })],
      [
        /^\/version/,
        () => ({
          status: 200,
          body: { Version: '5.4.2', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64', Components: components },
        }),
      ],
      [/^\/info/, () => ({ status: 200, body: {} })],
    ]);
    t.teardown(engine.close);
    useEngine(t, engine.endpoint);
    t.equal((await new DockerodeEngine({ apiTimeoutMs: 5000 }).system.info()).product, product);
  }
});
