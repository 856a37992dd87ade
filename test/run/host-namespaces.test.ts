import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runLabels, setOwnerContainer } from '../../src/docker/labels.js';
import { isDockprobeError } from '../../src/errors/dockprobe-error.js';
import type { Plan } from '../../src/plan/plan.js';
import { planFrom } from '../fixtures/plan-from.js';
import { effectiveCapabilities, refuseWithoutHostNamespaces } from '../../src/run/host-namespaces.js';
import { ownPlace } from '../../src/run/own-container.js';
import { FakeEngine } from '../fixtures/fake-engine.js';

// `from: host` and `from: lan` in a dockprobe that runs in a container: refused (exit 2, the flags named) unless the
// container has the engine host's namespaces; never an answer from the container's own.

const id = 'ab'.repeat(32);
const all = (1n << 41n) - 1n;
const docker = { containerDefaults: 0xa80425fbn }; // Docker's default set: no NET_ADMIN, no SYS_ADMIN
const inContainer = (networkMode: string) => {
  const engine = new FakeEngine();
  const container = engine.containers.add({ id, name: 'dockprobe-ci', networkMode });
  return { kind: 'container' as const, id, container };
};
const refusal = (plan: Plan, place: Parameters<typeof refuseWithoutHostNamespaces>[1], caps: bigint) => {
  try {
    refuseWithoutHostNamespaces(plan, place, 'unix:///var/run/docker.sock', caps);
    return undefined;
  } catch (error) {
    if (!isDockprobeError(error)) throw error;
    return { code: error.code, message: error.message, hint: error.hint };
  }
};

t.test('on a host, or without host perspectives, nothing is refused', async (t) => {
  t.equal(refusal(planFrom('host', 'lan'), { kind: 'host' }, 0n), undefined);
  t.equal(refusal(planFrom('network'), inContainer('bridge'), 0n), undefined);
});

t.test('in a container with a network namespace of its own: refused, naming --network host', async (t) => {
  const r = refusal(planFrom('network', 'host'), inContainer('bridge'), all);
  t.equal(r?.code, 'DP_USAGE', 'exit 2');
  t.match(
    r?.message,
    /^from: host needs the engine host's network namespace, and dockprobe's container dockprobe-ci \(abababababab\) has its own \(network mode bridge\)/,
  );
  t.equal(r?.hint, 'docker run --network host …');
  t.match(refusal(planFrom('host', 'lan'), inContainer('default'), all), {
    message: /^from: host and from: lan need/,
    hint: 'docker run --network host --cap-add NET_ADMIN --cap-add SYS_ADMIN …',
  });
});

t.test('with --network host: from: host runs; from: lan also needs NET_ADMIN and SYS_ADMIN', async (t) => {
  t.equal(refusal(planFrom('host'), inContainer('host'), docker.containerDefaults), undefined);
  t.match(refusal(planFrom('lan'), inContainer('host'), docker.containerDefaults), {
    code: 'DP_USAGE',
    message: /lacks CAP_NET_ADMIN and CAP_SYS_ADMIN$/,
  });
  t.match(refusal(planFrom('lan'), inContainer('host'), docker.containerDefaults | (1n << 12n)), {
    message: /lacks CAP_SYS_ADMIN$/,
  });
  t.equal(refusal(planFrom('lan'), inContainer('host'), all), undefined);
});

t.test('a container the engine does not run never stands for its host', async (t) => {
  t.match(refusal(planFrom('host'), { kind: 'container', id, container: undefined }, all), {
    code: 'DP_USAGE',
    message: /runs in container abababababab, which the engine at unix:\/\/\/var\/run\/docker.sock does not run$/,
    hint: /started with --network host$/,
  });
});

t.test('the effective capabilities, from /proc/self/status', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dockprobe-caps-'));
  await writeFile(join(dir, 'status'), 'Name:\tnode\nCapInh:\t0000000000000000\nCapEff:\t00000000a80425fb\n');
  t.equal(await effectiveCapabilities(join(dir, 'status')), 0xa80425fbn);
  t.equal(await effectiveCapabilities(join(dir, 'missing')), 0n, 'unreadable: none');
});

t.test('ownPlace: the container the engine runs is recorded on what the run creates', async (t) => {
  t.teardown(() => setOwnerContainer(undefined));
  const mountinfo = `620 612 8:1 /var/lib/docker/containers/${id}/hostname /etc/hostname rw - ext4 /dev/sda1 rw\n`;
  const proc = { mountinfo: async () => mountinfo, cgroup: async () => '0::/\n' };
  const elsewhere = new FakeEngine();
  t.match(await ownPlace(elsewhere, proc), { kind: 'container', id, container: undefined });
  t.equal(runLabels('r1', 'probe')['dockprobe.owner-container'], undefined, 'not on this engine: not recorded');
  const engine = new FakeEngine();
  engine.containers.add({ id, name: 'dockprobe-ci', running: true });
  t.match(await ownPlace(engine, proc), { kind: 'container', id, container: { name: 'dockprobe-ci' } });
  t.equal(runLabels('r1', 'probe')['dockprobe.owner-container'], id);
  t.same(await ownPlace(new FakeEngine(), { mountinfo: async () => '', cgroup: async () => '0::/\n' }), {
    kind: 'host',
  });
});
