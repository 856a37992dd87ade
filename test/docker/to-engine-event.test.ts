import t from 'tap';
import { DockerodeEngine } from '../../src/docker/dockerode-engine.js';
import type { EngineEvent } from '../../src/docker/event-client.js';
import { eventTrigger, type WatchedScope } from '../../src/watch/event-trigger.js';
import { fakeEngineSocket, useEngine } from '../fixtures/fake-engine-socket.js';

// Engine events read in Docker's terms whichever engine wrote them: lines as Podman 5.4 and Docker write them (the
// Podman ones seen on its compatible API), through the real client.

const CONTAINER = 'c'.repeat(64);
const NETWORK = 'e'.repeat(64);
const line = (type: string, action: string, id: string, attributes: Record<string, string>) =>
  JSON.stringify({
    status: action,
    id,
    Type: type,
    Action: action,
    Actor: { ID: id, Attributes: attributes },
    scope: 'local',
    time: 1796626460,
    timeNano: 1796626460629731800,
  });
const podman = { image: '', podId: '' };

async function read(t: { teardown(fn: () => unknown): void }, lines: string[]): Promise<EngineEvent[]> {
  const engine = await fakeEngineSocket([[/^\/events/, () => ({ status: 200, body: `${lines.join('\n')}\n` })]]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  return new DockerodeEngine({ apiTimeoutMs: 5000 }).events.list(1796626460000, 1796626461000);
}

t.test("Podman's network connect and disconnect: the network the actor, the container under `container`", async (t) => {
  const events = await read(t, [
    line('network', 'connect', CONTAINER, { ...podman, name: 'shop-db-1', network: 'shop_public' }),
    line('network', 'disconnect', CONTAINER, { ...podman, name: 'shop-db-1', network: 'shop_public' }),
  ]);
  t.same(
    events.map((e) => [e.action, e.id, e.attributes]),
    [
      ['connect', 'shop_public', { container: CONTAINER, name: 'shop_public' }],
      ['disconnect', 'shop_public', { container: CONTAINER, name: 'shop_public' }],
    ],
  );
  const scope: WatchedScope = {
    runId: 'r1',
    projects: new Set(['shop']),
    networks: new Set([NETWORK, 'shop_public']),
    containers: new Set([CONTAINER]),
    ownContainers: new Set(),
    probeContainers: new Set(),
    containerName: (id) => (id === CONTAINER ? 'shop-db-1' : undefined),
  };
  t.same(eventTrigger(events[0]!, scope), {
    kind: 'event',
    what: 'network connect: shop-db-1 to shop_public',
  });
});

t.test("Podman's network created and removed, a container removed: named, and `destroy` as Docker says", async (t) => {
  const events = await read(t, [
    line('network', 'create', NETWORK, { ...podman, driver: 'bridge', name: '', network: 'shop_jobs' }),
    line('network', 'remove', NETWORK, { ...podman, driver: 'bridge', name: '', network: 'shop_jobs' }),
    line('container', 'remove', CONTAINER, { ...podman, name: 'shop-db-1' }),
  ]);
  t.same(
    events.map((e) => [e.type, e.action, e.id, e.attributes['name']]),
    [
      ['network', 'create', NETWORK, 'shop_jobs'],
      ['network', 'destroy', NETWORK, 'shop_jobs'],
      ['container', 'destroy', CONTAINER, 'shop-db-1'],
    ],
  );
});

t.test("Docker's events read as they are", async (t) => {
  const events = await read(t, [
    line('network', 'connect', NETWORK, { container: CONTAINER, name: 'shop_public', type: 'bridge' }),
    line('network', 'destroy', NETWORK, { name: 'shop_public', type: 'bridge' }),
    line('container', 'health_status: healthy', CONTAINER, { name: 'shop-db-1' }),
    'not an event',
  ]);
  t.same(
    events.map((e) => [e.type, e.action, e.id, e.attributes, e.timeMs]),
    [
      ['network', 'connect', NETWORK, { container: CONTAINER, name: 'shop_public', type: 'bridge' }, 1796626460629],
      ['network', 'destroy', NETWORK, { name: 'shop_public', type: 'bridge' }, 1796626460629],
      ['container', 'health_status', CONTAINER, { name: 'shop-db-1' }, 1796626460629],
    ],
  );
});
