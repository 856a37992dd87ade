import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { RunResult } from '../../src/run-result.js';
import {
  BIN,
  cli,
  containersLabelled,
  killOnTeardown,
  projectName,
  teardown,
  upProject,
} from '../integration/helpers.js';

// The engine's socket dying mid-run once left probes behind silently: no report from about 0.8 s into the run, and
// the exit after 20 s. A socket proxy the test controls stands in for the engine (the machine's dockerd is never
// restarted): it dies once the probes have started. dockprobe must report what it determined, mark the rest
// inconclusive, name every leftover with the command that removes it, and exit 3.

t.setTimeout(180_000);
const project = projectName('dptest-dies');
teardown(t, `tear down ${project}`, await upProject('docker-compose.test.yml', project));
const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-dies-'));
t.teardown(() => rm(tmp, { recursive: true, force: true }));
const upstream = (process.env['DOCKER_HOST'] ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');

/**
 * A unix socket that forwards every connection to the real engine until `die()` closes it and everything on it.
 * `waits` resolves once `n` container waits have been asked for: the probes are running.
 */
async function dyingProxy(path: string, n: number) {
  const open = new Set<Socket>();
  let waits = 0;
  let waited: () => void = () => undefined;
  const allWaiting = new Promise<void>((resolve) => (waited = resolve));
  const server = createServer((client) => {
    const engine = connect(upstream);
    for (const s of [client, engine]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    client.on('data', (chunk: Buffer) => {
      if (/^POST (?:\/v[\d.]+)?\/containers\/[0-9a-f]+\/wait/m.test(chunk.toString('latin1')) && ++waits >= n) waited();
    });
    client.pipe(engine).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    allWaiting,
    die: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of open) s.destroy();
      await closed;
    },
  };
}

const scenario = join(tmp, 'dies.yml');
await writeFile(
  scenario,
  `project: ${project}\ntimeout: 2s\nexpect:\n  - from: { network: public-facing }\n    to: [redis:6379]\n    reachable: false\n  - from: { network: internal-backend }\n    to: [proxy:8080]\n    reachable: false\n`,
);

for (const when of ['while the probes are being created', 'once both probes run'] as const) {
  t.test(`the engine socket dies ${when}: a report, exit 3, every leftover named with its removal`, async (t) => {
    const socket = join(tmp, `docker-${when.length}.sock`);
    const proxy = await dyingProxy(socket, 2);
    t.teardown(() => proxy.die());
    const child = spawn(process.execPath, [BIN, 'test', scenario, '--format', 'json', '--engine-timeout', '5s'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', DOCKER_HOST: `unix://${socket}` },
    });
    killOnTeardown(t, child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const starting = new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/starting \d+ probe/.test(stderr)) resolve();
      }),
    );
    const trigger = await Promise.race([
      (when === 'once both probes run' ? proxy.allWaiting : starting).then(() => 'trigger'),
      exited.then(() => 'exit'),
    ]);
    t.equal(trigger, 'trigger', 'the engine went away while the run was going on');
    await proxy.die();
    const exitCode = await exited;
    t.equal(exitCode, 3, stderr);
    let report: RunResult | undefined;
    t.doesNotThrow(() => {
      report = JSON.parse(stdout) as RunResult;
    }, 'a report is written, whatever the engine did');
    t.equal(report?.verdicts.length, 2, 'with a verdict for every cell');
    for (const v of report?.verdicts ?? []) t.not(v.status, 'pass', `${v.target}: ${v.status} ${v.code}: ${v.reason}`);
    const runId = report?.runId ?? /run ([0-9a-f]{8})/.exec(stderr)?.[1];
    t.ok(runId, 'the run id is known');
    const left = await containersLabelled(`dockprobe.run=${runId}`);
    t.comment(`left by the run: ${left.map((c) => `${c.name} (${c.state})`).join(', ') || 'nothing'}`);
    if (left.length > 0) {
      // Whatever is left must be named, with the command that removes it.
      t.match(stderr, `dockprobe cleanup --run ${runId}`, 'the removal command is printed');
      for (const c of left)
        t.match(stderr, `cleanup step failed: remove probe container ${c.name}`, `${c.name} is named as left behind`);
      t.same(report?.cleanupFailures.length, left.length, 'and listed in the report');
      const removal = await cli(['cleanup', '--run', runId!]);
      t.equal(removal.exitCode, 0, removal.stderr);
    }
    t.same(
      (await containersLabelled(`dockprobe.run=${runId}`)).map((c) => c.name),
      [],
      'nothing labelled is left once the printed command ran',
    );
  });
}
