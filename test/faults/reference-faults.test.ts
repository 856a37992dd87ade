import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  BIN,
  cliJson,
  containersLabelled,
  killOnTeardown,
  projectName,
  teardown,
  upProject,
} from '../integration/helpers.js';

// A signal while the probes are being created: SIGINT or SIGTERM within milliseconds of "starting" once exited 130/143
// with probes left in state Created (8 of 8 tries). A create in flight is now awaited (bounded) and removed.

t.setTimeout(150_000);
const project = projectName('dptest-sig');
teardown(t, `tear down ${project}`, await upProject('docker-compose.test.yml', project));
const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-signals-'));
const file = join(tmp, 'two-probes.yml');
await writeFile(
  file,
  `project: ${project}\ntimeout: 3s\nexpect:\n  - from: { network: public-facing }\n    to: [redis:6379]\n    reachable: false\n  - from: { network: internal-backend }\n    to: [proxy:8080]\n    reachable: false\n  - from: { service: api }\n    to: [proxy:8080]\n    reachable: true\n`,
);

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const) {
  t.test(`${signal} right after "starting": exit ${code}, no probe left, Created or not`, async (t) => {
    const child = spawn(process.execPath, [BIN, 'test', file], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    killOnTeardown(t, child);
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/starting \d+ probe/.test(stderr)) resolve();
      });
      void exited.then(() => resolve());
    });
    child.kill(signal);
    t.equal(await exited, code, stderr);
    t.same(
      (await containersLabelled(`dockprobe.pid=${child.pid}`)).map((c) => `${c.name} ${c.state}`),
      [],
      'nothing of that run is left',
    );
  });
}

// Lost lookups under load: one probe with 300 HTTP checks and `dns:frontend` (a name that does resolve on
// public-facing) expected unresolvable once gave "302 passed" (4 of 4): past about 256 lookups at once the embedded
// DNS lost answers, and the DNS control, run apart, still passed. With a bounded number of checks in flight and
// controls repeated under the same load, the name is seen resolving: a finding.
t.test('300 HTTP checks and a name that resolves, expected unresolvable: a finding, never a pass', async (t) => {
  const urls = Array.from({ length: 300 }, (_, i) => `"http://api:3001/load/${i}"`).join(', ');
  const load = join(tmp, 'load.yml');
  await writeFile(
    load,
    `project: ${project}\ntimeout: 2s\nexpect:\n  - from: { network: public-facing }\n    to: [${urls}]\n    reachable: true\n  - from: { network: public-facing }\n    to: [dns:frontend]\n    reachable: false\n`,
  );
  const { exitCode, report, stderr } = await cliJson(['test', load, '--retries', '2']);
  t.equal(exitCode, 1, stderr);
  const dns = report!.verdicts.find((v) => v.target === 'dns:frontend')!;
  t.same([dns.status, dns.code], ['fail', 'resolved'], dns.reason);
  t.equal(report!.verdicts.filter((v) => v.status === 'pass').length, 300, 'every HTTP check answered');
  t.ok(
    report!.probes.every((p) => p.control.dns),
    'the DNS control held in every run, the last one included',
  );
});

// A probe's output once went through a 1 MB json-file log: 2,872 checks in a probe (a drill of 100 listeners) left
// observations only for the last few hundred, and the rest read as unfinished. The log is now sized from the plan,
// and an output whose beginning is gone fails the probe, saying so.
t.test('6,000 checks in one probe: every observation is read, though the output is well over a megabyte', async (t) => {
  const urls = Array.from({ length: 6000 }, (_, i) => `"http://api:3001/many/${i}"`).join(', ');
  const many = join(tmp, 'many.yml');
  await writeFile(
    many,
    `project: ${project}\ntimeout: 2s\nexpect:\n  - from: { network: public-facing }\n    to: [${urls}]\n    reachable: true\n`,
  );
  const { exitCode, report, stderr } = await cliJson(['test', many, '--concurrency', '128']);
  t.equal(exitCode, 0, `${stderr}\n${report?.verdicts.find((v) => v.status !== 'pass')?.reason ?? ''}`);
  t.equal(report?.verdicts.filter((v) => v.status === 'pass').length, 6000, 'every check read and passed');
  t.same(
    report?.probes.map((p) => [p.status, p.error]),
    [['completed', undefined]],
  );
});
