import t from 'tap';
import { DockerodeRuntime } from '../../src/docker/dockerode-runtime.js';
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
  const runtime = new DockerodeRuntime({ apiTimeoutMs: 5000 });
  const list = await runtime.listContainers({ all: true });
  t.same(list.map((c) => c.name), ['still-here']);
});

t.test('any other inspect failure still fails the listing, naming the container', async (t) => {
  const engine = await fakeEngineSocket([
    [/^\/containers\/json/, () => ({ status: 200, body: [{ Id: 'c'.repeat(64) }] })],
    [/^\/containers\/c+\/json/, () => ({ status: 500, body: { message: 'driver failed' } })],
  ]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  await t.rejects(new DockerodeRuntime({ apiTimeoutMs: 5000 }).listContainers(), { code: 'DP_DOCKER_API', message: /inspect container cccccccccccc failed \(HTTP 500\): driver failed/ });
});
