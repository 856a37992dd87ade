import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import t from 'tap';
import { cleanupLeftovers } from '../../src/cleanup/cleanup-leftovers.js';
import { forceRemoveNetwork } from '../../src/cleanup/force-remove-network.js';
import { FakeEngine } from '../fixtures/fake-engine.js';
import { FakeNetworkClient } from '../fixtures/fake-network-client.js';

// "has active endpoints": a real holder is forced off; a ghost endpoint (dockerd's store, no container) is named
// within a bounded number of tries, never waited on forever and never thrown.

const noSleep = { sleep: async () => undefined };

t.test('a container still attached is disconnected by force, then the network goes', async (t) => {
  // The network concern alone: forceRemoveNetwork asks nothing else of the engine.
  const networks = new FakeNetworkClient();
  const net = networks.add({ name: 'proj_internal-backend' });
  const holder = 'c'.repeat(64);
  net.attached.add(holder);
  const removal = await forceRemoveNetwork({ networks }, net, noSleep);
  t.equal(removal.status, 'removed');
  t.ok(networks.peers.calls.includes(`networks.disconnect ${net.id} ${holder}`), 'the holder was forced off');
  t.notOk(networks.byId.has(net.id));
});

t.test('a ghost endpoint: bounded tries, a forced disconnect of each candidate, then a precise report', async (t) => {
  const networks = new FakeNetworkClient();
  const net = networks.add({ name: 'proj_internal-backend' });
  networks.ghosts.add(net.id);
  const delays: number[] = [];
  const removal = await forceRemoveNetwork({ networks }, net, {
    candidates: ['proj-api-1'],
    sleep: async (ms) => void delays.push(ms),
  });
  t.equal(removal.status, 'ghost');
  t.same(delays, [200, 400, 800, 1600], 'a bounded backoff: 3 s in all');
  const { calls } = networks.peers;
  t.equal(calls.filter((c) => c.startsWith('networks.remove')).length, 5);
  t.ok(calls.includes(`networks.disconnect ${net.id} proj-api-1`), 'each candidate was tried');
  if (removal.status !== 'ghost') return;
  t.match(
    removal.detail,
    /network proj_internal-backend \(net-\d+\) was left behind: the engine says it "has active endpoints", but no container is attached/,
  );
  t.match(
    removal.detail,
    /Only a dockerd restart clears it on engine 20\.10; after that: docker network rm proj_internal-backend/,
  );
});

t.test('a network gone meanwhile is not an error', async (t) => {
  const networks = new FakeNetworkClient();
  const net = networks.add({ name: 'n' });
  networks.ghosts.add(net.id);
  const original = networks.inspect.bind(networks);
  networks.inspect = async (id) => {
    networks.byId.delete(id);
    return original(id);
  };
  t.equal((await forceRemoveNetwork({ networks }, net, noSleep)).status, 'gone');
});

t.test(
  'cleanup: a ghost is a failure naming the network (exit 3), a live holder is kept, the rest is removed',
  async (t) => {
    const engine = new FakeEngine();
    const labels = {
      'dockprobe.run': 'dead',
      'dockprobe.pid': String(spawnSync('true').pid),
      'dockprobe.host': hostname(),
    };
    const ghost = engine.networks.add({ name: 'dp-ghost', labels });
    const held = engine.networks.add({ name: 'dp-held', labels });
    const plain = engine.networks.add({ name: 'dp-plain', labels });
    engine.networks.ghosts.add(ghost.id);
    engine.containers.add({ name: 'someone-else' }, [held]);
    // The holder comes back after every forced disconnect (e.g. a restart policy re-attaching it).
    const disconnect = engine.networks.disconnect.bind(engine.networks);
    engine.networks.disconnect = async (networkId, container) => {
      await disconnect(networkId, container);
      if (networkId === held.id)
        engine.networks.byId.get(held.id)!.attached.add([...engine.containers.byId.keys()][0]!);
    };
    const report = await cleanupLeftovers(engine, { removeNetwork: noSleep });
    t.same(report.removed, [`network dp-plain (${plain.id}, run dead)`]);
    t.match(report.kept, [/^network dp-held .*: still in use by someone-else/]);
    t.equal(report.failures.length, 1);
    t.match(report.failures[0], /^network dp-ghost \(net-\d+\) was left behind: .*ghost endpoint/);
  },
);

t.test('project teardown: compose down failing on a ghost network, the sweep names it and goes on', async (t) => {
  const { tearDownProject } = await import('../../src/compose/tear-down-project.js');
  const engine = new FakeEngine();
  const project = { 'com.docker.compose.project': 'shop' };
  const ghost = engine.networks.add({ name: 'shop_internal-backend', labels: project });
  const other = engine.networks.add({ name: 'shop_public-facing', labels: project });
  engine.networks.ghosts.add(ghost.id);
  engine.containers.add({ name: 'shop-proxy-1', labels: project }, [other]);
  // `false` stands for a Compose whose `down` exits 1, as it does on "has active endpoints".
  const result = await tearDownProject(
    engine,
    { file: 'false', args: [], version: 'test' },
    { project: 'shop', composeFile: 'x.yml', timeoutMs: 5000 },
    noSleep,
  );
  t.match(result.composeError, /false .*--project-name shop .*down.* failed \(exit code 1\)/);
  t.equal(engine.containers.byId.size, 0, 'the containers went');
  t.notOk(engine.networks.byId.has(other.id), 'the other network went');
  t.equal(result.leftBehind.length, 1);
  t.match(
    result.leftBehind[0],
    /^network shop_internal-backend .*ghost endpoint.*docker network rm shop_internal-backend/,
  );
});
