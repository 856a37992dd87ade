import t from 'tap';
import { engineRestartFault } from '../../src/chaos/engine-restart-fault.js';
import type { EngineInfo } from '../../src/docker/system-client.js';

// --fault restart-engine: refused (exit 2, why and what to do) for a remote engine, a rootless one, a user who is not
// root, an engine
// without live-restore or in swarm mode, and without --engine-restart-command; the command runs with its deadline and
// its exit status and output are the evidence; the engine must answer again after it; the restore checks it answers
// with live-restore on.

const ENGINE: EngineInfo = {
  endpoint: 'unix:///var/run/docker.sock',
  version: '26.1.5',
  apiVersion: '1.45',
  os: 'linux',
  arch: 'amd64',
  swarm: false,
  liveRestore: true,
};
const spec = { kind: 'restart-engine' } as const;
const base = {
  endpoint: 'unix:///var/run/docker.sock',
  command: 'echo restarting; echo done >&2',
  timeoutMs: 5_000,
  info: async () => ENGINE,
  uid: 0,
};

t.test('refusals: each says why and what to do', async (t) => {
  t.throws(() => engineRestartFault(spec, ENGINE, { ...base, endpoint: 'tcp://10.0.0.5:2376' }), {
    code: 'DP_USAGE',
    message: /^--fault restart-engine: the engine at tcp:\/\/10\.0\.0\.5:2376 is remote/,
  });
  // Rootless: refused whoever runs it, before the root check (root would not make it right).
  for (const uid of [0, 1000])
    t.throws(() => engineRestartFault(spec, { ...ENGINE, rootless: true }, { ...base, uid }), {
      code: 'DP_USAGE',
      message:
        /^--fault restart-engine: the engine at unix:\/\/\/var\/run\/docker\.sock is rootless: restarting it restarts RootlessKit, whose network namespace holds/,
      hint: 'drill restart-engine on a rootful engine with live-restore on',
    });
  t.throws(() => engineRestartFault(spec, ENGINE, { ...base, uid: 1000 }), {
    code: 'DP_USAGE',
    message: '--fault restart-engine: restarting the engine needs root',
  });
  t.throws(() => engineRestartFault(spec, { ...ENGINE, liveRestore: false }, base), {
    code: 'DP_USAGE',
    message: /does not report live-restore enabled \(LiveRestoreEnabled: false\): a restart would stop every container/,
    hint: /"live-restore": true in \/etc\/docker\/daemon\.json/,
  });
  t.throws(() => engineRestartFault(spec, { ...ENGINE, liveRestore: undefined }, base), {
    message: /LiveRestoreEnabled: not reported/,
  });
  t.throws(() => engineRestartFault(spec, { ...ENGINE, swarm: true, swarmManager: true }, base), {
    code: 'DP_USAGE',
    message: /is a swarm manager: live-restore is not possible in swarm mode/,
  });
  t.throws(() => engineRestartFault(spec, ENGINE, { ...base, command: ' ' }), {
    code: 'DP_USAGE',
    message: /needs the way to restart the engine on this host: --engine-restart-command CMD/,
    hint: "--engine-restart-command 'systemctl restart docker'",
  });
});

t.test('the command ran: its exit status and output are the evidence, the engine answers again', async (t) => {
  const f = engineRestartFault(spec, ENGINE, base);
  t.match(f.plan, /with `echo restarting; echo done >&2` \(sh -c, at most 5s\)/);
  t.equal(f.commandRun?.(), undefined, 'nothing ran before apply');
  t.match(await f.apply(), /^`echo restarting; echo done >&2`: exit 0 in \d+ ms; the engine answered again \d+ ms/);
  t.match(f.commandRun?.(), { exitCode: 0, timedOut: false, output: 'restarting\ndone' });
  t.match(await f.restore(), { status: 'nothing-to-restore', detail: /live-restore on/ });
});

t.test('a command that fails, or outlives its deadline, fails the fault with its evidence', async (t) => {
  const failing = engineRestartFault(spec, ENGINE, { ...base, command: 'echo no such unit >&2; exit 5' });
  await t.rejects(failing.apply(), { message: /: exit 5 in \d+ ms: no such unit$/ });
  t.match(failing.commandRun?.(), { exitCode: 5, output: 'no such unit' });
  const slow = engineRestartFault(spec, ENGINE, { ...base, command: 'sleep 5', timeoutMs: 300 });
  await t.rejects(slow.apply(), { message: /`sleep 5`: timed out after \d+ ms/ });
  t.match(slow.commandRun?.(), { timedOut: true });
});

t.test('the engine answers again only after a while; one that never does fails the fault', async (t) => {
  let calls = 0;
  const info = async () => {
    if (++calls < 3) throw new Error('connect ECONNREFUSED');
    return ENGINE;
  };
  t.match(await engineRestartFault(spec, ENGINE, { ...base, info }).apply(), /answered again \d+ ms after it/);
  t.equal(calls, 3);
  const silent = engineRestartFault(spec, ENGINE, {
    ...base,
    timeoutMs: 600,
    info: async () => {
      throw new Error('connect ENOENT');
    },
  });
  await t.rejects(silent.apply(), { message: /but the engine did not answer within 600ms after it: connect ENOENT/ });
  t.match(await silent.restore(), { status: 'failed', detail: /does not answer after 600ms: connect ENOENT/ });
  const without = engineRestartFault(spec, ENGINE, { ...base, info: async () => ({ ...ENGINE, liveRestore: false }) });
  t.match(await without.restore(), { status: 'failed', detail: /live-restore is no longer on/ });
});
