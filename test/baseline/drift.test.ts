import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { baselineOf, type Baseline } from '../../src/baseline/baseline.js';
import { drift, driftFails } from '../../src/baseline/drift.js';
import { prettyDrift } from '../../src/baseline/drift-report.js';
import { readBaseline } from '../../src/baseline/read-baseline.js';
import type { Verdict, VerdictCode } from '../../src/judge/verdict.js';
import { colors } from '../../src/report/colors.js';
import type { RunResult } from '../../src/run-result.js';

// A baseline keeps what each path was (open, closed, unknown), keyed by names; drift is every path whose state
// changed, and nothing else: not latencies, not addresses, not run ids.

function verdict(source: string, target: string, code: VerdictCode, observed = 'x', latencyMs = 3): Verdict {
  return {
    cellId: `${source}/${target}`,
    expectation: 'e',
    location: 's.yml:1:1',
    source,
    target,
    expected: 'blocked',
    status: 'pass',
    code,
    observed,
    reason: 'r',
    latencyMs,
    evidence: [],
  };
}

function run(verdicts: Verdict[], runId = 'r1'): RunResult {
  return {
    runId,
    scenarios: ['s.yml'],
    engine: {
      endpoint: 'unix:///var/run/docker.sock',
      version: '28.5.2',
      apiVersion: '1.51',
      os: 'linux',
      arch: 'amd64',
      swarm: false,
    },
    compose: ['2.26.1'],
    image: 'probe',
    startedAt: '2026-11-27T05:00:00.000Z',
    durationMs: 1,
    probes: [],
    verdicts,
    summary: { total: verdicts.length, pass: verdicts.length, fail: 0, inconclusive: 0 },
    staticFindings: [],
    cleanupFailures: [],
  };
}

const healthy = [
  verdict('network public-facing', 'redis:6379', 'blocked'),
  verdict('network internal-backend', 'redis:6379', 'reached', 'open'),
  verdict('service frontend', 'http://api:3001/', 'reached', 'http 200'),
  verdict('network internal-backend', 'internet', 'no-egress'),
];

t.test('the same reachability gives the same digest and no drift, whatever the evidence, run or order', async (t) => {
  const a = baselineOf(run(healthy));
  const b = baselineOf(
    run(
      [...healthy].reverse().map((v) => ({ ...v, latencyMs: 99, observed: 'open 10.0.0.9:6379' })),
      'r2',
    ),
  );
  t.equal(a.digest, b.digest);
  t.same(drift(a, b), []);
  t.same(
    a.paths.map((p) => [p.source, p.target, p.state]),
    [
      ['network internal-backend', 'internet', 'closed'],
      ['network internal-backend', 'redis:6379', 'open'],
      ['network public-facing', 'redis:6379', 'closed'],
      ['service frontend', 'http://api:3001/', 'open'],
    ],
    'sorted by key',
  );
});

t.test('a broken twin: each new path named once, and nothing else', async (t) => {
  const before = baselineOf(run(healthy));
  const broken = healthy.map((v) =>
    v.source === 'network public-facing'
      ? verdict(v.source, v.target, 'reached', 'open')
      : v.target === 'internet'
        ? verdict(v.source, v.target, 'egress-open', 'open 10.1.0.1:443')
        : v,
  );
  const found = drift(
    before,
    baselineOf(run([...broken, verdict('network public-facing', 'postgres:5432', 'reached')])),
  );
  t.same(
    found.map((d) => [d.kind, d.source, d.target]),
    [
      ['opened', 'network internal-backend', 'internet'],
      ['appeared', 'network public-facing', 'postgres:5432'],
      ['opened', 'network public-facing', 'redis:6379'],
    ],
  );
  t.equal(driftFails(found, 'opened'), true);
  t.equal(driftFails(found, 'closed'), false);
});

t.test(
  'closed, gone, unknown: an outage is closed; a path undetermined now is unknown; unknown then closed is no drift',
  async (t) => {
    const before = baselineOf(run([...healthy, verdict('service worker', 'internet', 'world-changed')]));
    const after = baselineOf(
      run([
        verdict('network public-facing', 'redis:6379', 'probe-failed'),
        verdict('network internal-backend', 'redis:6379', 'no-answer'),
        verdict('network internal-backend', 'internet', 'no-egress'),
        verdict('service worker', 'internet', 'no-egress'),
      ]),
    );
    t.same(
      drift(before, after).map((d) => [d.kind, d.target, d.source]),
      [
        ['closed', 'redis:6379', 'network internal-backend'],
        ['unknown', 'redis:6379', 'network public-facing'],
        ['vanished', 'http://api:3001/', 'service frontend'],
      ],
    );
    t.equal(driftFails(drift(before, after), 'opened'), false);
    t.equal(driftFails(drift(before, after), 'closed'), true);
    t.equal(driftFails(drift(before, after), 'any'), true);
  },
);

t.test('the pretty report: the differences only, then one line', async (t) => {
  const before = baselineOf(run(healthy));
  const after = baselineOf(
    run(
      healthy.map((v) =>
        v.source === 'network public-facing' ? verdict(v.source, v.target, 'reached', 'open 172.20.0.4:6379') : v,
      ),
    ),
  );
  const text = prettyDrift(
    {
      baseline: { file: 'baseline.json', digest: before.digest, createdAt: before.createdAt, engine: '28.5.2' },
      now: { digest: after.digest, engine: '28.5.2', runId: 'r2' },
      failOn: 'opened',
      drift: drift(before, after),
    },
    colors(false),
  );
  t.equal(
    text,
    'OPENED  network public-facing → redis:6379: was closed (blocked), now open (reached: open 172.20.0.4:6379)\n1 difference(s) from baseline.json (baseline 2026-11-27T05:00:00.000Z, engine 28.5.2; now engine 28.5.2); failing on: opened\n',
  );
});

t.test('a baseline is validated when read: format, version, entries; the message names the file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dockprobe-baseline-'));
  const good = baselineOf(run(healthy));
  const file = (name: string, content: unknown) =>
    writeFile(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content)).then(() =>
      join(dir, name),
    );
  t.same(await readBaseline(await file('good.json', good)), JSON.parse(JSON.stringify(good)) as Baseline);
  await t.rejects(readBaseline(join(dir, 'missing.json')), {
    code: 'DP_USAGE',
    message: /missing\.json: cannot read it \(ENOENT\)/,
  });
  await t.rejects(readBaseline(await file('text.json', 'not json')), {
    code: 'DP_USAGE',
    message: /text\.json: not JSON/,
  });
  await t.rejects(readBaseline(await file('v2.json', { ...good, version: 2 })), {
    code: 'DP_USAGE',
    message: /v2\.json: format "dockprobe-baseline" version 2, expected "dockprobe-baseline" version 1/,
  });
  await t.rejects(
    readBaseline(await file('bad.json', { ...good, paths: [{ ...good.paths[0], state: 'half-open' }] })),
    { code: 'DP_USAGE', message: /bad\.json: at paths\.0\.state: / },
  );
});
