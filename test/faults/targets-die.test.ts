import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import t from 'tap';
import type { RunResult } from '../../src/run-result.js';
import { BIN, killOnTeardown, projectName, serviceContainers, teardown, upProject } from '../integration/helpers.js';

// Targets that die during the run: on a deployment that leaks (the broken twin: redis and postgres on the public
// network), killing both right after the probes start once gave "2 passed", exit 0. The silence of a dead target
// is not isolation: the run re-reads the deployment afterwards and every "blocked" resting on a changed container
// is inconclusive (exit 3), unless the probe already reached it (a breach, exit 1). Never a pass.

t.setTimeout(150_000);
const project = projectName('dptest-die');
teardown(t, `tear down ${project}`, await upProject('docker-compose.broken.yml', project));
const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-faults-'));

t.test('targets killed right after the probes start: never blocked', async (t) => {
  const file = join(tmp, 'die.yml');
  await writeFile(
    file,
    `project: ${project}\ntimeout: 2s\nexpect:\n  - from: { network: public-facing }\n    to: [redis:6379, postgres:5432]\n    reachable: false\n`,
  );
  const targets = [...(await serviceContainers(project, 'redis')), ...(await serviceContainers(project, 'postgres'))];
  t.equal(targets.length, 2);
  const child = spawn(process.execPath, [BIN, 'test', file, '--format', 'json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  killOnTeardown(t, child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const started = new Promise<void>((resolve) =>
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/starting \d+ probe/.test(stderr)) resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await Promise.race([started, exited]);
  const docker = new Docker();
  await Promise.all(
    targets.map((c) =>
      docker
        .getContainer(c.id)
        .kill()
        .catch(() => undefined),
    ),
  );
  const exitCode = await exited;
  const report = JSON.parse(stdout) as RunResult;
  t.not(exitCode, 0, 'a run whose targets died is never a pass');
  for (const v of report.verdicts) {
    t.not(v.status, 'pass', `${v.target}: ${v.code}`);
    // Either the probe got there first (a real breach), or the change made the cell unproven: the dead targets were
    // also the probe's reach peers, so its last reach control may fail first.
    t.ok(
      v.status === 'fail' || ['world-changed', 'reach-control-failed'].includes(v.code),
      `${v.target}: ${v.status} ${v.code}: ${v.reason}`,
    );
    if (v.code === 'world-changed') t.match(v.reason, /is exited \(it was running\)|was removed/);
  }
  t.match(stderr, /changed during the run: .* is exited \(it was running\)/);
});
