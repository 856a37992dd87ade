import t from 'tap';
import type { RunResult } from '../../src/run-result.js';
import { blockedAs, cli, egressGuard, runtime } from './helpers.js';

// The README's main command, end to end: bring up, verify, tear down; and the broken twin must fail.

// This file's own limit, well under tap's default: a stuck file must not hold CI for minutes.
t.setTimeout(150_000);
await egressGuard();

const leftovers = async (runId: string) => ({
  containers: await runtime.containers.list({ all: true, labels: [`dockprobe.run=${runId}`] }),
  networks: await runtime.networks.list({ labels: [`dockprobe.run=${runId}`] }),
});

t.test('demo: the reference topology passes and is torn down', async (t) => {
  const { exitCode, stdout, stderr } = await cli(['demo', '--format', 'json']);
  t.equal(exitCode, 0, stderr);
  const report = JSON.parse(stdout) as RunResult;
  t.same(report.summary, { total: 10, pass: 10, fail: 0, inconclusive: 0 });
  t.match(stderr, /tearing down project dockprobe-demo-/);
  t.same(await leftovers(report.runId), { containers: [], networks: [] }, 'no container or network of the run is left');
});

t.test('demo --broken: every service on the public network fails, naming each leaked pair', async (t) => {
  const { exitCode, stdout } = await cli(['demo', '--broken', '--format', 'json']);
  t.equal(exitCode, 1);
  const report = JSON.parse(stdout) as RunResult;
  const failed = report.verdicts.filter((v) => v.status === 'fail');
  t.same(failed.map((v) => `${v.source} → ${v.target}`).sort(), [
    'network public-facing → postgres:5432',
    'network public-facing → redis:6379',
  ]);
  for (const v of failed) {
    t.equal(v.code, 'reached');
    t.match(v.observed, /^open \d+\.\d+\.\d+\.\d+:(6379|5432)$/);
    t.match(v.reason, /reached: .* by name: open/);
    const byAddress = v.evidence.filter((e) => e.attempt.via === 'address');
    t.same(
      byAddress.map((e) => [/on (\S+)\)$/.exec(e.attempt.description)?.[1], blockedAs(e.observation?.outcome)]).sort(),
      [
        ['internal-backend', 'path'],
        ['public-facing', 'open'],
      ],
      'reached through its address on the public network, dropped on the internal one',
    );
  }
  t.equal(report.summary.inconclusive, 0);
  t.same(await leftovers(report.runId), { containers: [], networks: [] });
});
