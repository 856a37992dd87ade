import t from 'tap';
import type { EngineEvent } from '../../src/docker/event-client.js';
import { eventTrigger, RecentProbes, type WatchedScope } from '../../src/watch/event-trigger.js';

// Which engine events ask for a round: what can change what is reachable in the deployment, never a probe's own.

const scope: WatchedScope = {
  runId: 'r1',
  projects: new Set(['shop']),
  networks: new Set(['net-public', 'shop_public']),
  containers: new Set(['c-db']),
  ownContainers: new Set(['c-warm']),
  probeContainers: new Set(['c-other-probe']),
  containerName: (id) => (id === 'c-db' ? 'shop-db-1' : undefined),
};
const event = (type: string, action: string, id: string, attributes: Record<string, string> = {}): EngineEvent => ({
  type,
  action,
  id,
  attributes,
  timeMs: 0,
});

t.test('events of the deployment ask for a round, described', async (t) => {
  t.same(eventTrigger(event('container', 'die', 'c-db', { name: 'shop-db-1' }), scope), {
    kind: 'event',
    what: 'container die: shop-db-1',
  });
  t.same(
    eventTrigger(
      event('container', 'start', 'c-new', { name: 'shop-web-2', 'com.docker.compose.project': 'shop' }),
      scope,
    ),
    { kind: 'event', what: 'container start: shop-web-2' },
    'a new container of a watched project',
  );
  t.same(eventTrigger(event('network', 'connect', 'net-public', { name: 'shop_public', container: 'c-db' }), scope), {
    kind: 'event',
    what: 'network connect: shop-db-1 to shop_public',
  });
  t.same(
    eventTrigger(event('network', 'connect', 'net-public', { name: 'shop_public', container: 'c-hand' }), scope),
    { kind: 'event', what: 'network connect: container c-hand to shop_public' },
    'a container run by hand joining a watched network',
  );
  t.same(eventTrigger(event('network', 'create', 'n2', { name: 'other' }), scope), {
    kind: 'event',
    what: 'network create: other',
  });
  t.same(eventTrigger(event('service', 'update', 's1', { name: 'shop_api' }), scope), {
    kind: 'event',
    what: 'service update: shop_api',
  });
});

t.test('probes, their own or another run’s, and what the deployment does not hold, ask for none', async (t) => {
  const none = [
    event('container', 'die', 'c-warm', { 'dockprobe.run': 'r1', name: 'dockprobe-r1-w1' }),
    event('container', 'start', 'c-x', { 'dockprobe.role': 'probe', 'dockprobe.run': 'other' }),
    event('network', 'connect', 'net-public', { name: 'shop_public', container: 'c-warm' }),
    event('network', 'connect', 'net-public', { name: 'shop_public', container: 'c-other-probe' }),
    event('network', 'connect', 'net-blog', { name: 'blog_default', container: 'c-db' }),
    event('container', 'die', 'c-blog', { name: 'blog-web-1', 'com.docker.compose.project': 'blog' }),
    event('container', 'exec_start', 'c-db', { name: 'shop-db-1' }),
    event('image', 'pull', 'busybox'),
  ];
  for (const e of none) t.equal(eventTrigger(e, scope), undefined, `${e.type} ${e.action} ${e.id}`);
});

t.test('probes seen are remembered by id, the newest only', async (t) => {
  const recent = new RecentProbes(2);
  for (const id of ['p1', 'p2', 'p3']) recent.see(event('container', 'create', id, { 'dockprobe.role': 'probe' }));
  recent.see(event('container', 'create', 'web', {}));
  t.same([...recent.ids], ['p2', 'p3']);
});
