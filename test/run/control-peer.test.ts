import t from 'tap';
import { DockprobeError, ErrorCodes } from '../../src/errors/dockprobe-error.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import { ControlPeer, type ControlPeerContext } from '../../src/run/control-peer.js';
import { ControlPeers } from '../../src/run/control-peers.js';
import { FakeEngine } from '../fixtures/fake-engine.js';

// A control peer's life: created hardened on one network, started, proven to answer (its own `ready` lines for each
// address the engine gave it) before anyone relies on it, kept while it runs as it answered, and removed whatever
// happens; every wait bounded.

function setUp(subnets = ['172.30.0.0/16']) {
  const engine = new FakeEngine();
  const network = engine.networks.add({ name: 'shop_mail', subnets });
  const cleanup = new CleanupStack();
  const context: ControlPeerContext = {
    runtime: engine,
    runId: 'r1',
    image: 'dockprobe-probe:test',
    cleanup,
    readyTimeoutMs: 300,
    pollMs: 5,
  };
  const peer = (name = 'dockprobe-r1-peer-1') => new ControlPeer({ id: network.id, name: 'mail' }, name, context);
  const left = () => [...engine.containers.byId.values()].map((c) => `${c.name} ${c.state}`);
  return { engine, network, cleanup, context, peer, left };
}

t.test('answers at its address: ready, then removed by stop() or with the run', async (t) => {
  const { engine, peer, cleanup, left } = setUp();
  const started = await peer().start();
  t.match(started.answer(), {
    status: 'ready',
    network: 'mail',
    container: 'dockprobe-r1-peer-1',
    address: '172.30.0.100',
    address6: undefined,
    port: 40004,
  });
  const spec = engine.containers.specs.get(started.id)!;
  t.match(spec, { user: '65534:65534', dns: ['127.0.0.1'], labels: { 'dockprobe.role': 'control-peer' } });
  t.ok(await started.alive());
  await started.stop();
  t.same(left(), []);

  const again = await peer('dockprobe-r1-peer-2').start();
  t.ok(again.id);
  t.same(await cleanup.runAll(), []);
  t.same(left(), [], 'the run removes it');
});

t.test('dual stack: answered at both addresses; at IPv4 only, no IPv6 address is given', async (t) => {
  const { engine, peer } = setUp(['172.30.0.0/16', 'fd00:30::/64']);
  t.match((await peer().start()).answer(), { address: '172.30.0.100', address6: 'fd00:30::64' });
  engine.containers.logOutput.set('dockprobe-r1-peer-2', {
    stdout: 'ready tcp 172.30.0.101 40004\nnot-ready tcp fd00:30:0::65 40004 EADDRNOTAVAIL\n',
  });
  t.match((await peer('dockprobe-r1-peer-2').start()).answer(), { address: '172.30.0.101', address6: undefined });
});

t.test('every way it fails: an error that says why, and nothing left', async (t) => {
  const exits = setUp();
  const created = exits.engine.containers.create.bind(exits.engine.containers);
  exits.engine.containers.create = async (spec) => {
    const id = await created(spec);
    exits.engine.containers.start = async () => {
      Object.assign(exits.engine.containers.byId.get(id)!, { state: 'exited', running: false });
    };
    exits.engine.containers.logOutput.set(spec.name, {
      stderr: 'Error: listen EACCES: permission denied 0.0.0.0:40004\n',
    });
    return id;
  };
  await t.rejects(exits.peer().start(), /is exited before it answered: Error: listen EACCES/);
  t.same(exits.left(), []);

  const silent = setUp();
  silent.engine.containers.logOutput.set('dockprobe-r1-peer-1', { stdout: 'tcp 40004 listening\n' });
  await t.rejects(silent.peer().start(), /did not answer on network mail within 300ms \(--probe-grace\)/);
  t.same(silent.left(), []);

  const refused = setUp();
  refused.engine.faults.set(
    'containers.create dockprobe-r1-peer-1',
    Object.assign(new Error('network shop_mail is not manually attachable'), { statusCode: 403 }),
  );
  await t.rejects(refused.peer().start(), /not manually attachable/);
  t.notOk(refused.engine.calls.includes('containers.remove dockprobe-r1-peer-1'), 'a refused create made nothing');

  // A create whose answer never came may have made it all the same: removed by its name.
  const lost = setUp();
  const create = lost.engine.containers.create.bind(lost.engine.containers);
  lost.engine.containers.create = async (spec) => {
    await create(spec);
    throw new DockprobeError(ErrorCodes.TIMEOUT, 'create container: no answer within 30000 ms');
  };
  await t.rejects(lost.peer().start(), /no answer/);
  t.same(lost.left(), []);

  const stopping = setUp();
  await stopping.cleanup.runAll();
  await t.rejects(stopping.peer().start(), { code: ErrorCodes.ABORTED });
  t.same(stopping.engine.calls, [], 'nothing asked of the engine once the run stops');
});

t.test('a peer restarted since it answered is not alive', async (t) => {
  const { engine, peer } = setUp();
  const started = await peer().start();
  Object.assign(engine.containers.byId.get(started.id)!, { startedAt: '2026-11-26T10:05:00Z' });
  t.notOk(await started.alive());
  engine.faults.set(`containers.inspect ${started.id}`, new Error('engine gone'));
  t.notOk(await started.alive(), 'one that cannot be read is not either');
});

t.test('the pool: one peer per network per round, kept across rounds, never thrown', async (t) => {
  const { engine, network, context } = setUp();
  const other = engine.networks.add({ name: 'shop_jobs', subnets: ['172.31.0.0/16'] });
  const peers = new ControlPeers(context);
  const round = peers.forRound();
  const answers = await Promise.all([
    round({ id: network.id, name: 'mail' }),
    round({ id: network.id, name: 'mail' }),
    round({ id: other.id, name: 'jobs' }),
  ]);
  t.same(
    answers.map((a) => (a.status === 'ready' ? `${a.container} ${a.network}` : a.reason)),
    ['dockprobe-r1-peer-1 mail', 'dockprobe-r1-peer-1 mail', 'dockprobe-r1-peer-2 jobs'],
  );
  await peers.forRound()({ id: network.id, name: 'mail' });
  t.equal(engine.calls.filter((c) => c.startsWith('containers.create')).length, 2, 'none made for the next round');

  // Two runners sharing the pool (watch's warm and cold ones) ask in the same round, each through its own forRound().
  const fresh = engine.networks.add({ name: 'shop_fresh', subnets: ['172.33.0.0/16'] });
  const [warm, cold] = await Promise.all([
    peers.forRound()({ id: fresh.id, name: 'fresh' }),
    peers.forRound()({ id: fresh.id, name: 'fresh' }),
  ]);
  t.same([warm.status, cold.status], ['ready', 'ready']);
  t.equal(warm.status === 'ready' && cold.status === 'ready' && warm.container === cold.container, true, 'one peer');
  t.equal(engine.calls.filter((c) => c.startsWith('containers.create')).length, 3, 'one made for both runners');
  t.same(await peers.retireExcept(new Set([network.id, other.id])), [], 'retired once for both');

  engine.faults.set('containers.create dockprobe-r1-peer-4', Object.assign(new Error('refused'), { statusCode: 500 }));
  const third = engine.networks.add({ name: 'shop_x', subnets: ['172.32.0.0/16'] });
  t.match(await peers.forRound()({ id: third.id, name: 'x' }), {
    status: 'unavailable',
    reason: /dockprobe could not add a control peer to network x: .*refused; any running container on x is a peer too/,
  });
});
