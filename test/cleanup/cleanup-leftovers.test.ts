import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import t from 'tap';
import { cleanupLeftovers } from '../../src/cleanup/cleanup-leftovers.js';
import { FakeEngine } from '../fixtures/fake-engine.js';

// What crashed runs left behind, found by the dockprobe.run label. Only a run provably gone (this host, a process
// that no longer runs) is removed; a live run, another host's run and anything naming no owner are spared unless
// asked. (A network held by a ghost endpoint: test/cleanup/force-remove-network.test.ts.)

const noSleep = { sleep: async () => undefined };
/** Labels of a run whose process is alive on this host: the test runner that started this file. */
const alive = { 'dockprobe.run': 'live', 'dockprobe.pid': String(process.ppid), 'dockprobe.host': hostname() };
/** Labels of a run whose process is gone: a pid of this host that has exited. */
const dead = { 'dockprobe.run': 'dead', 'dockprobe.pid': String(spawnSync('true').pid), 'dockprobe.host': hostname() };
/** A run of another host: its pid means nothing here. */
const remote = { 'dockprobe.run': 'remote', 'dockprobe.pid': '4242', 'dockprobe.host': 'elsewhere' };
/** A stack brought up by hand from a file that carries the labels, without a run (the compose files' defaults). */
const manual = { 'dockprobe.run': '', 'dockprobe.role': 'topology', 'dockprobe.pid': '0', 'dockprobe.host': '' };

function leftovers() {
  const engine = new FakeEngine();
  const liveNet = engine.networks.add({ name: 'dp-live', labels: alive });
  const deadNet = engine.networks.add({ name: 'dp-dead', labels: dead });
  const liveProbe = engine.containers.add({ name: 'dockprobe-live-1', labels: alive }, [liveNet]);
  const deadProbe = engine.containers.add({ name: 'dockprobe-dead-1', labels: dead }, [deadNet]);
  engine.containers.add({ name: 'someone-else' });
  return { engine, liveNet, deadNet, liveProbe, deadProbe };
}

const short = (id: string) => id.slice(0, 12);

t.test('a run still alive on this host is kept; a dead one is removed, containers before networks', async (t) => {
  const { engine, liveNet, deadNet, liveProbe, deadProbe } = leftovers();
  const report = await cleanupLeftovers(engine, { removeNetwork: noSleep });
  t.same(report.removed, [
    `container dockprobe-dead-1 (${short(deadProbe.id)}, run dead)`,
    `network dp-dead (${deadNet.id}, run dead)`,
  ]);
  t.same(report.kept, [
    `container dockprobe-live-1 (${short(liveProbe.id)}, run live): run live is still alive (pid ${process.ppid}) (--alive removes it)`,
    `network dp-live (${liveNet.id}, run live): run live is still alive (pid ${process.ppid}) (--alive removes it)`,
  ]);
  t.same(report.failures, []);
  t.ok(engine.containers.byId.has(liveProbe.id) && engine.networks.byId.has(liveNet.id), 'the live run is untouched');
  t.ok(
    [...engine.containers.byId.values()].some((c) => c.name === 'someone-else'),
    'what has no dockprobe label is never touched',
  );
  t.ok(
    engine.calls.indexOf(`containers.remove ${deadProbe.id}`) < engine.calls.indexOf(`networks.remove ${deadNet.id}`),
  );
});

t.test('--alive removes live runs too', async (t) => {
  const { engine } = leftovers();
  const report = await cleanupLeftovers(engine, { all: true, removeNetwork: noSleep });
  t.equal(report.removed.length, 4);
  t.same(report.kept, []);
  t.same(
    [...engine.containers.byId.values()].map((c) => c.name),
    ['someone-else'],
  );
  t.equal(engine.networks.byId.size, 0);
});

t.test('--run narrows to that run; a run still alive or of another host still needs its own flag', async (t) => {
  const { engine, deadNet, deadProbe, liveProbe } = leftovers();
  const kept = await cleanupLeftovers(engine, { runId: 'live', removeNetwork: noSleep });
  t.same(kept.removed, [], 'a live run is not pulled out from under its process by naming it');
  t.match(kept.kept, [
    /^container dockprobe-live-1 .*run live is still alive .*\(--alive removes it\)$/,
    /^network dp-live .*\(--alive removes it\)$/,
  ]);
  t.ok(engine.containers.byId.has(liveProbe.id));
  const report = await cleanupLeftovers(engine, { runId: 'live', all: true, removeNetwork: noSleep });
  t.match(report.removed, [/^container dockprobe-live-1 .*run live\)$/, /^network dp-live .*run live\)$/]);
  t.equal(report.removed.length, 2);
  t.same(report.kept, []);
  t.ok(engine.containers.byId.has(deadProbe.id) && engine.networks.byId.has(deadNet.id), 'another run is not touched');
  engine.containers.add({ name: 'dockprobe-remote-1', labels: remote });
  t.match((await cleanupLeftovers(engine, { runId: 'remote', removeNetwork: noSleep })).kept, [
    /run remote was started on host elsewhere \(--other-hosts removes it\)/,
  ]);
  t.equal(
    (await cleanupLeftovers(engine, { runId: 'remote', otherHosts: true, removeNetwork: noSleep })).removed.length,
    1,
  );
  engine.containers.add({ name: 'kept-by-hand', labels: { ...manual, 'dockprobe.run': 'manual' } });
  t.match(
    (await cleanupLeftovers(engine, { all: true, otherHosts: true, removeNetwork: noSleep })).kept,
    [/kept-by-hand .*records no owner process \(pid 0, host none\)/],
    'an owner it does not record is never taken as gone',
  );
  t.equal(
    (await cleanupLeftovers(engine, { runId: 'manual', removeNetwork: noSleep })).removed.length,
    1,
    'naming its run stands for the owner it does not record',
  );
});

t.test('removal failures are reported with what failed, and the rest goes on', async (t) => {
  const { engine, deadProbe } = leftovers();
  const other = engine.containers.add({ name: 'dockprobe-dead-2', labels: dead });
  engine.faults.set(
    `containers.remove ${deadProbe.id}`,
    new Error('docker: remove container failed (HTTP 500): driver failed'),
  );
  const net = engine.networks.add({ name: 'dp-dead-2', labels: dead });
  engine.faults.set(`networks.remove ${net.id}`, new Error('docker: remove network failed (HTTP 500): boom'));
  const report = await cleanupLeftovers(engine, { removeNetwork: noSleep });
  t.same(report.failures, [
    `container dockprobe-dead-1 (${short(deadProbe.id)}, run dead): docker: remove container failed (HTTP 500): driver failed`,
    `network dp-dead-2 (${net.id}): docker: remove network failed (HTTP 500): boom`,
  ]);
  t.ok(
    report.removed.includes(`container dockprobe-dead-2 (${short(other.id)}, run dead)`),
    'the other container went',
  );
  t.notOk(engine.containers.byId.has(other.id));
});

t.test(
  'never what it did not provably make: a hand-started stack, even with --alive; another host only with --other-hosts',
  async (t) => {
    const engine = new FakeEngine();
    const net = engine.networks.add({ name: 'ref_public-facing', labels: manual });
    const db = engine.containers.add({ name: 'ref-postgres-1', labels: manual }, [net]);
    const far = engine.containers.add({ name: 'dockprobe-remote-1', labels: remote });
    const report = await cleanupLeftovers(engine, { all: true, removeNetwork: noSleep });
    t.same(report.removed, []);
    t.match(report.kept, [
      /^container ref-postgres-1 .*run none\): it names no run \(--run ID removes it\)$/,
      /^container dockprobe-remote-1 .*: run remote was started on host elsewhere \(--other-hosts removes it\)$/,
      /^network ref_public-facing .*it names no run/,
    ]);
    t.ok(engine.containers.byId.has(db.id) && engine.networks.byId.has(net.id), 'the running deployment is untouched');
    const other = await cleanupLeftovers(engine, { otherHosts: true, removeNetwork: noSleep });
    t.same(other.removed, [`container dockprobe-remote-1 (${short(far.id)}, run remote)`]);
    t.ok(engine.containers.byId.has(db.id), 'still untouched');
  },
);

t.test('--dry-run lists what would go and why, and removes nothing', async (t) => {
  const { engine } = leftovers();
  const before = engine.containers.byId.size + engine.networks.byId.size;
  const report = await cleanupLeftovers(engine, { dryRun: true, removeNetwork: noSleep });
  t.same(report.removed, []);
  t.match(report.wouldRemove, [
    /^container dockprobe-dead-1 .*: run dead is gone \(pid \d+ no longer runs on this host\)$/,
    /^network dp-dead .*: run dead is gone/,
  ]);
  t.equal(engine.containers.byId.size + engine.networks.byId.size, before);
});

t.test(
  "on a swarm manager, the swarm jobs of a dead run go too; a live run's and the user's services stay",
  async (t) => {
    const engine = new FakeEngine();
    engine.swarm.join();
    const deadJob = engine.swarm.addService({ name: 'dockprobe-dead-2', mode: 'replicated-job', labels: dead });
    const liveJob = engine.swarm.addService({ name: 'dockprobe-live-2', mode: 'replicated-job', labels: alive });
    engine.swarm.addService({ name: 'shop_api' });
    const report = await cleanupLeftovers(engine, { removeNetwork: noSleep });
    t.same(report.removed, [`swarm job dockprobe-dead-2 (${deadJob.id}, run dead)`]);
    t.same(report.kept, [
      `swarm job dockprobe-live-2 (${liveJob.id}, run live): run live is still alive (pid ${process.ppid}) (--alive removes it)`,
    ]);
    t.same([...engine.swarm.services.values()].map((s) => s.name).sort(), ['dockprobe-live-2', 'shop_api']);
    // A worker cannot list services: cleanup there does not ask.
    const worker = new FakeEngine();
    worker.swarm.join({ manager: false });
    t.same((await cleanupLeftovers(worker, { removeNetwork: noSleep })).failures, []);
  },
);

t.test(
  "LAN neighbours (from: lan) of a run that is gone are removed, with the veth end of their run; a live run's are kept",
  async (t) => {
    const engine = new FakeEngine();
    const removed: string[] = [];
    const lan = {
      list: async () => [
        `dockprobe-lan-dead-${dead['dockprobe.pid']}`,
        `dockprobe-lan-live-${process.ppid}`,
        'someone-elses-netns',
      ],
      remove: async (netns: string, hostIf: string) => void removed.push(`${netns} ${hostIf}`),
    };
    const report = await cleanupLeftovers(engine, { lan });
    t.match(removed, [new RegExp(`^dockprobe-lan-dead-${dead['dockprobe.pid']} dpl[0-9a-f]{8}h$`)]);
    t.same(report.removed, [`LAN neighbour dockprobe-lan-dead-${dead['dockprobe.pid']} (run dead)`]);
    t.match(report.kept, [/LAN neighbour dockprobe-lan-live-\d+ \(run live\): run live is still alive/]);
    const dry = await cleanupLeftovers(engine, { lan, dryRun: true, runId: 'live', all: true });
    t.same(dry.wouldRemove, [
      `LAN neighbour dockprobe-lan-live-${process.ppid} (run live): run live is still alive (pid ${process.ppid}), and --alive was given`,
    ]);
  },
);

t.test('cleanup --images keeps the last name of an image a container still runs, and removes the others', async (t) => {
  const engine = new FakeEngine();
  const current = 'dockprobe-probe:0.2.0-cur';
  engine.images.listed.push(
    { id: 'sha256:old', tags: ['dockprobe-probe:0.1.0-old'], sizeBytes: 0 },
    { id: 'sha256:held', tags: ['dockprobe-probe:0.1.0-held', 'dockprobe-probe:0.0.9-alias'], sizeBytes: 0 },
    { id: 'sha256:cur', tags: [current], sizeBytes: 0 },
    // dockprobe's own image (`image build-self`) is the user's: never a leftover, whatever its version.
    {
      id: 'sha256:self',
      tags: ['dockprobe:0.1.0', 'dockprobe:latest'],
      sizeBytes: 0,
      labels: { 'dockprobe.role': 'image', 'dockprobe.image-kind': 'cli' },
    },
  );
  // A stopped container of the user's, and another run's live probe of an older version, both on the held image.
  const user = engine.containers.add({ name: 'users-app', imageId: 'sha256:held', running: false, state: 'exited' });
  engine.containers.add({ name: 'dockprobe-other-1', imageId: 'sha256:held', labels: alive });
  const report = await cleanupLeftovers(engine, { images: true, keepImage: current, removeNetwork: noSleep });
  t.same(report.failures, []);
  t.same(
    engine.calls.filter((c) => c.startsWith('images.remove')),
    ['images.remove dockprobe-probe:0.1.0-old', 'images.remove dockprobe-probe:0.1.0-held'],
    'an unused old image goes; a held one loses only its other names',
  );
  t.match(
    report.kept.join('\n'),
    `image dockprobe-probe:0.0.9-alias: still used by container(s) users-app (${short(user.id)})`,
  );
  t.match(report.kept.join('\n'), /dockprobe-other-1/);
});

t.test(
  "control peers of dockprobe's own: named as such, removed when their run is gone, kept while it lives",
  async (t) => {
    const engine = new FakeEngine();
    const net = engine.networks.add({ name: 'shop_mail' });
    const peer = (labels: Record<string, string>, name: string) =>
      engine.containers.add(
        { name, labels: { ...labels, 'dockprobe.role': 'control-peer', 'dockprobe.control-peer-of': 'mail' } },
        [net],
      );
    const gone = peer(dead, 'dockprobe-dead-peer-1');
    const live = peer(alive, 'dockprobe-live-peer-1');
    const report = await cleanupLeftovers(engine, { removeNetwork: noSleep });
    t.same(report.removed, [`control peer dockprobe-dead-peer-1 (${short(gone.id)}, run dead)`]);
    t.match(report.kept, [/^control peer dockprobe-live-peer-1 \(\w+, run live\): run live is still alive/]);
    t.ok(engine.containers.byId.has(live.id) && !engine.containers.byId.has(gone.id));
    t.ok(engine.networks.byId.has(net.id), "the user's network it was on stays");
  },
);

t.test(
  'a run in a container of the engine is judged by that container: gone or stopped, its leftovers go; running, they stay',
  async (t) => {
    const engine = new FakeEngine();
    const running = engine.containers.add({ name: 'dockprobe-ci', running: true, state: 'running' });
    const stopped = engine.containers.add({ name: 'dockprobe-killed', running: false, state: 'exited' });
    // Inside its container, a run's pid is about 1 and its host name the container's short id.
    const inContainer = (run: string, owner: string) => ({
      'dockprobe.run': run,
      'dockprobe.pid': '1',
      'dockprobe.host': owner.slice(0, 12),
      'dockprobe.owner-container': owner,
    });
    const removedId = 'f'.repeat(64);
    const net = engine.networks.add({ name: 'dp-gone', labels: inContainer('gone', removedId) });
    const gone = engine.containers.add({ name: 'dockprobe-gone-1', labels: inContainer('gone', removedId) }, [net]);
    const exited = engine.containers.add({ name: 'dockprobe-exited-1', labels: inContainer('exited', stopped.id) });
    const live = engine.containers.add({ name: 'dockprobe-live-1', labels: inContainer('live', running.id) });
    const report = await cleanupLeftovers(engine, { removeNetwork: noSleep });
    t.same(report.failures, []);
    t.same(report.removed.sort(), [
      `container dockprobe-exited-1 (${short(exited.id)}, run exited)`,
      `container dockprobe-gone-1 (${short(gone.id)}, run gone)`,
      `network dp-gone (${net.id}, run gone)`,
    ]);
    t.same(report.kept, [
      `container dockprobe-live-1 (${short(live.id)}, run live): run live is still running in container dockprobe-ci (${short(running.id)}) (--alive removes it)`,
    ]);
    const dry = await cleanupLeftovers(engine, { dryRun: true, all: true, removeNetwork: noSleep });
    t.same(dry.wouldRemove, [
      `container dockprobe-live-1 (${short(live.id)}, run live): run live is still running in container dockprobe-ci (${short(running.id)}), and --alive was given`,
    ]);
  },
);
