import { hostname } from 'node:os';
import t from 'tap';
import { cleanupLeftovers } from '../../src/run/cleanup-leftovers.js';
import { FakeRuntime } from '../fixtures/fake-runtime.js';

// What crashed runs left behind, found by the dockprobe.run label; a run whose process still lives on this host is
// spared unless asked. (A network held by a ghost endpoint: test/run/remove-network.test.ts.)

const noSleep = { sleep: async () => undefined };
/** Labels of a run whose process is alive on this host: the test runner that started this file. */
const alive = { 'dockprobe.run': 'live', 'dockprobe.pid': String(process.ppid), 'dockprobe.host': hostname() };
/** Labels of a run whose process is gone: a pid on another host means nothing here. */
const dead = { 'dockprobe.run': 'dead', 'dockprobe.pid': String(process.ppid), 'dockprobe.host': 'elsewhere' };

function leftovers() {
  const engine = new FakeRuntime();
  const liveNet = engine.addNetwork({ name: 'dp-live', labels: alive });
  const deadNet = engine.addNetwork({ name: 'dp-dead', labels: dead });
  const liveProbe = engine.addContainer({ name: 'dockprobe-live-1', labels: alive }, [liveNet]);
  const deadProbe = engine.addContainer({ name: 'dockprobe-dead-1', labels: dead }, [deadNet]);
  engine.addContainer({ name: 'someone-else' });
  return { engine, liveNet, deadNet, liveProbe, deadProbe };
}

const short = (id: string) => id.slice(0, 12);

t.test('a run still alive on this host is kept; a dead one is removed, containers before networks', async (t) => {
  const { engine, liveNet, deadNet, liveProbe, deadProbe } = leftovers();
  const report = await cleanupLeftovers(engine, { removeNetwork: noSleep });
  t.same(report.removed, [`container dockprobe-dead-1 (${short(deadProbe.id)}, run dead)`, `network dp-dead (${deadNet.id}, run dead)`]);
  t.same(report.kept, [
    `container dockprobe-live-1 (${short(liveProbe.id)}, run live): its run is still alive (--all removes it)`,
    `network dp-live (${liveNet.id}, run live): its run is still alive (--all removes it)`,
  ]);
  t.same(report.failures, []);
  t.ok(engine.containers.has(liveProbe.id) && engine.networks.has(liveNet.id), 'the live run is untouched');
  t.ok([...engine.containers.values()].some((c) => c.name === 'someone-else'), 'what has no dockprobe label is never touched');
  t.ok(engine.calls.indexOf(`removeContainer ${deadProbe.id}`) < engine.calls.indexOf(`removeNetwork ${deadNet.id}`));
});

t.test('--all removes live runs too', async (t) => {
  const { engine } = leftovers();
  const report = await cleanupLeftovers(engine, { all: true, removeNetwork: noSleep });
  t.equal(report.removed.length, 4);
  t.same(report.kept, []);
  t.same([...engine.containers.values()].map((c) => c.name), ['someone-else']);
  t.equal(engine.networks.size, 0);
});

t.test('--run removes that run only, alive or not', async (t) => {
  const { engine, deadNet, deadProbe } = leftovers();
  const report = await cleanupLeftovers(engine, { runId: 'live', removeNetwork: noSleep });
  t.match(report.removed, [/^container dockprobe-live-1 .*run live\)$/, /^network dp-live .*run live\)$/]);
  t.equal(report.removed.length, 2);
  t.same(report.kept, []);
  t.ok(engine.containers.has(deadProbe.id) && engine.networks.has(deadNet.id), 'another run is not touched');
});

t.test('removal failures are reported with what failed, and the rest goes on', async (t) => {
  const { engine, deadProbe } = leftovers();
  const other = engine.addContainer({ name: 'dockprobe-dead-2', labels: dead });
  engine.faults.set(`removeContainer ${deadProbe.id}`, new Error('docker: remove container failed (HTTP 500): driver failed'));
  const net = engine.addNetwork({ name: 'dp-dead-2', labels: dead });
  engine.faults.set(`removeNetwork ${net.id}`, new Error('docker: remove network failed (HTTP 500): boom'));
  const report = await cleanupLeftovers(engine, { removeNetwork: noSleep });
  t.same(report.failures, [
    `container dockprobe-dead-1 (${short(deadProbe.id)}, run dead): docker: remove container failed (HTTP 500): driver failed`,
    `network dp-dead-2 (${net.id}): docker: remove network failed (HTTP 500): boom`,
  ]);
  t.ok(report.removed.includes(`container dockprobe-dead-2 (${short(other.id)}, run dead)`), 'the other container went');
  t.notOk(engine.containers.has(other.id));
});
