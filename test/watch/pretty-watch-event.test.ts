import t from 'tap';
import type { Verdict } from '../../src/judge/verdict.js';
import { colors } from '../../src/report/colors.js';
import { prettyWatchEvent } from '../../src/watch/pretty-watch-event.js';
import type { WatchEvent } from '../../src/watch/watch-event.js';

const c = colors(false);
const at = '2026-12-06T23:06:50.123Z';
const verdict: Verdict = {
  cellId: 'f.yml#1/network:shop/public/postgres:5432',
  expectation: 'the public zone cannot reach the database',
  location: 'f.yml:8:5',
  source: 'network public',
  target: 'postgres:5432',
  expected: 'blocked',
  status: 'fail',
  code: 'reached',
  observed: 'open 172.18.0.77:5432',
  reason: 'reached: 172.18.0.77:5432 (shop-postgres-1 on public): open',
  latencyMs: 1,
  evidence: [],
};
const change = (over: Partial<Extract<WatchEvent, { event: 'change' }>>): WatchEvent => ({
  at,
  event: 'change',
  trigger: 'network connect: shop-postgres-1 to shop_public',
  round: 2,
  cellId: verdict.cellId,
  source: verdict.source,
  target: verdict.target,
  expectation: verdict.expectation,
  expected: 'blocked',
  from: 'pass',
  to: 'fail',
  path: 'opened',
  breach: true,
  verdict,
  ...over,
});

t.test('a change: its status and path, the evidence, and the event that triggered the round', async (t) => {
  t.equal(
    prettyWatchEvent(change({}), c),
    '2026-12-06T23:06:50Z FAIL opened network public → postgres:5432 (expected blocked, was pass): reached: open 172.18.0.77:5432; reached: 172.18.0.77:5432 (shop-postgres-1 on public): open [round 2: network connect: shop-postgres-1 to shop_public]',
  );
  t.match(prettyWatchEvent(change({ to: undefined, path: 'unknown', breach: false }), c), / gone unknown /);
});

t.test('a first round that passes is counted, not listed, unless --verbose; names are escaped', async (t) => {
  const first = change({
    from: undefined,
    to: 'pass',
    path: 'closed',
    breach: false,
    verdict: { ...verdict, status: 'pass' },
  });
  t.equal(prettyWatchEvent(first, c), undefined);
  t.match(prettyWatchEvent(first, c, true), /pass closed .* first seen/);
  t.match(prettyWatchEvent(change({ source: 'network \u001b[31mx' }), c), /network \\x1b\[31mx/);
  const round: WatchEvent = {
    at,
    event: 'round',
    round: 3,
    trigger: 'interval',
    outcome: 'complete',
    durationMs: 1100,
    summary: { total: 2, pass: 2, fail: 0, inconclusive: 0 },
  };
  t.equal(prettyWatchEvent(round, c), undefined, 'a quiet round is no line');
  t.match(
    prettyWatchEvent({ ...round, outcome: 'failed', error: 'cannot reach the Docker daemon' }, c),
    /could not run.*cannot reach/,
  );
});
