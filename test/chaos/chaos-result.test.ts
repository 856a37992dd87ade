import t from 'tap';
import type { CellTimeline, ChaosRound } from '../../src/chaos/cell-timeline.js';
import { chaosExitCode, chaosOutcome, loopStats, steadyBaseline } from '../../src/chaos/chaos-result.js';
import type { Verdict, VerdictStatus } from '../../src/judge/verdict.js';
import { cell, span } from '../fixtures/chaos-cell.js';

// The drill's outcome, loudest first, its exit code, the steady baseline rule and the loop's figures.

const restored = { status: 'restored' as const, detail: 'ok' };

t.test('the outcome, loudest first, and its exit code', async (t) => {
  const breach = cell({ outcome: 'opened', spans: [span('opened')], openedMs: 10 });
  const failed = { status: 'failed' as const, detail: 'iptables-restore: exit 1', savedFile: '/tmp/x.rules' };
  const cases: [CellTimeline[], typeof restored | typeof failed, string, number][] = [
    [[cell({})], restored, 'held', 0],
    [[breach], restored, 'breach', 1],
    [[breach], failed, 'restore-failed', 3],
    [[cell({ back: false, afterRestore: 'fail' })], restored, 'not-back', 1],
    [[cell({ outcome: 'unknown', spans: [span('unknown')], unknownMs: 10 })], restored, 'inconclusive', 3],
    [
      [
        cell({
          outcome: 'unknown',
          spans: [{ ...span('unknown'), codes: ['world-changed', 'target-not-running'] }],
          unknownMs: 10,
        }),
      ],
      restored,
      'held',
      0,
    ],
    [
      [cell({ expected: 'reachable', outcome: 'unknown', spans: [span('unknown')], unknownMs: 10 })],
      restored,
      'held',
      0,
    ],
    [[cell({ expected: 'reachable', outcome: 'closed', spans: [span('closed')], closedMs: 10 })], restored, 'held', 0],
  ];
  for (const [cells, restore, outcome, exit] of cases) {
    const got = chaosOutcome(cells, restore);
    t.equal(got.outcome, outcome, got.reason);
    t.equal(chaosExitCode(got.outcome), exit);
  }
  t.match(chaosOutcome([cell({})], failed).reason, /^THE RESTORE FAILED: .*saved in \/tmp\/x\.rules/);
  t.equal(chaosExitCode('baseline-unstable'), 3);
});

const v = (cellId: string, status: VerdictStatus) =>
  ({ cellId, status, source: 's', target: cellId, code: 'x', reason: 'r' }) as unknown as Verdict;
const r = (n: number, ...verdicts: Verdict[]): ChaosRound => ({
  round: n,
  phase: 'baseline',
  startedMs: n * 10,
  endedMs: n * 10 + n,
  verdicts,
});

t.test('a steady baseline: every round conclusive and the same', async (t) => {
  t.ok('before' in steadyBaseline([r(1, v('a', 'pass'), v('b', 'fail')), r(2, v('a', 'pass'), v('b', 'fail'))]));
  t.match(steadyBaseline([r(1, v('a', 'pass')), r(2, v('a', 'fail'))]), { unsteady: /changed between rounds 1 and 2/ });
  t.match(steadyBaseline([r(1, v('a', 'inconclusive')), r(2, v('a', 'pass'))]), {
    unsteady: /round 1: .*inconclusive/,
  });
  t.match(steadyBaseline([{ ...r(1), error: 'engine gone' }]), { unsteady: /could not run: engine gone/ });
  t.match(steadyBaseline([]), { unsteady: /no round/ });
});

t.test('the loop: rounds, shortest, median, longest', async (t) => {
  t.same(loopStats([r(3), r(1), r(2)]), { rounds: 3, minMs: 1, medianMs: 2, maxMs: 3 });
  t.same(loopStats([]), { rounds: 0, minMs: 0, medianMs: 0, maxMs: 0 });
});
