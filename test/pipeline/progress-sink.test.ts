import t from 'tap';
import { drill } from '../../src/drill/drill.js';
import type { ProgressSink } from '../../src/pipeline/progress-sink.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { verify } from '../../src/verify.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';

// The run tells its progress sink what a status line needs, through the one pipeline: a round's probes and checks,
// each probe as it gets its slot and as it ends, and the round's end however it ends; `test` and `drill` alike.

/** A sink that keeps what it was told, in order. */
function recording(): ProgressSink & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    roundStarted: (r) => void events.push(`round ${r.probes} probes ${r.checks} checks`),
    probeStarted: (p) => void events.push(`start ${p.key}`),
    probeEnded: (p) => void events.push(`end ${p.key} ${p.checks}${p.failed ? ' failed' : ''}`),
    roundEnded: () => void events.push('round ended'),
  };
}

t.test('drill: every probe started and ended between its round start and end, with its checks', async (t) => {
  const { engine } = drillDeployment();
  const progress = recording();
  const result = await drill({
    from: { kind: 'all' },
    runtime: engine,
    image: 'dockprobe-probe:test',
    runId: 'pg1',
    internet: [],
    ports: [2375, 5432],
    probesAtOnce: 2,
    progress,
  });
  const { events } = progress;
  const probes = result.probes.length;
  t.ok(probes > 2, 'more probes than run at once');
  const checks = result.probes.reduce((n, p) => n + p.checks, 0);
  t.equal(events[0], `round ${probes} probes ${checks} checks`);
  t.equal(events.at(-1), 'round ended');
  for (const p of result.probes) {
    const start = events.indexOf(`start ${p.key}`);
    const end = events.findIndex((e) => e.startsWith(`end ${p.key} `));
    t.ok(start > 0 && end > start, `${p.key}: started, then ended`);
  }
  const ended = events.filter((e) => e.startsWith('end '));
  t.equal(
    ended.reduce((n, e) => n + Number(e.split(' ')[2]), 0),
    checks,
    "the checks of the probes that ended add up to the round's",
  );
  // With two at a time, a third starts only once one has ended.
  const running = events.reduce(
    (acc, e) => {
      const now = acc.now + (e.startsWith('start ') ? 1 : e.startsWith('end ') ? -1 : 0);
      return { now, most: Math.max(acc.most, now) };
    },
    { now: 0, most: 0 },
  );
  t.equal(running.most, 2, `never more running than --probes: ${events.join('\n')}`);
});

t.test('test: a probe that fails says so, and the round still ends', async (t) => {
  const d = drillDeployment();
  d.engine.faults.set(
    'containers.create dockprobe-pg2-1',
    Object.assign(new Error('no space left on device'), { statusCode: 500 }),
  );
  const progress = recording();
  const scenario = parseScenario(
    'project: shop\ntimeout: 1s\nexpect:\n  - from: { service: proxy }\n    to: [api:3001]\n    reachable: true\n',
    'p.yml',
  );
  const result = await verify({
    runtime: d.engine,
    runId: 'pg2',
    image: 'dockprobe-probe:test',
    scenarios: [scenario],
    progress,
  });
  t.equal(progress.events[0]?.startsWith('round 1 probes'), true, progress.events.join('\n'));
  t.equal(progress.events.at(-1), 'round ended');
  const failed = result.probes.some((p) => p.status === 'failed');
  t.ok(failed, 'the engine refused its container');
  t.equal(
    progress.events.some((e) => e.startsWith('end ') && e.endsWith(' failed')),
    failed,
    'a failed probe is told as failed',
  );
});
