import t from 'tap';
import { allBack, type ChaosRound, cellTimelines, isBreach } from '../../src/chaos/cell-timeline.js';
import type { Verdict, VerdictStatus } from '../../src/judge/verdict.js';

// Timelines from rounds: spans of the same path merged, a span ends where the path is the one before the fault
// again, a cell missing from a round is unknown there, the states after the recovery and after the restore.

function verdict(cellId: string, expected: Verdict['expected'], status: VerdictStatus): Verdict {
  return {
    cellId,
    expectation: 'x',
    location: 'a.yml:1:1',
    source: 'network public',
    target: cellId,
    expected,
    status,
    code: status === 'inconclusive' ? 'probe-failed' : status === 'fail' ? 'reached' : 'refused',
    observed: status,
    reason: `${cellId} ${status}`,
    latencyMs: 1,
    evidence: [],
  } as Verdict;
}

const round = (n: number, phase: ChaosRound['phase'], ...statuses: [VerdictStatus, VerdictStatus]): ChaosRound => ({
  round: n,
  phase,
  startedMs: n * 100,
  endedMs: n * 100 + 80,
  verdicts: [verdict('db', 'blocked', statuses[0]), verdict('api', 'reachable', statuses[1])],
});

t.test('a breach window, an outage and an unknown round, each with its span', async (t) => {
  const rounds = [
    round(1, 'baseline', 'pass', 'pass'),
    round(2, 'fault', 'pass', 'inconclusive'),
    round(3, 'recovery', 'fail', 'fail'),
    round(4, 'recovery', 'fail', 'fail'),
    round(5, 'recovery', 'fail', 'pass'),
    round(6, 'restored', 'pass', 'pass'),
  ];
  const before = new Map(rounds[0]!.verdicts.map((v) => [v.cellId, v]));
  const [db, api] = cellTimelines(before, rounds);
  t.match(db, {
    outcome: 'opened',
    before: 'pass',
    beforePath: 'closed',
    openedMs: 280,
    afterRecovery: 'fail',
    afterRestore: 'pass',
    back: true,
  });
  t.same(
    db!.spans.map((s) => [s.state, s.firstRound, s.lastRound, s.fromMs, s.toMs]),
    [['opened', 3, 5, 300, 580]],
  );
  t.match(db!.spans[0], { firstEvidence: 'fail reached: fail; db fail', lastEvidence: 'fail reached: fail; db fail' });
  t.ok(isBreach(db!));
  t.match(api, { outcome: 'unknown', unknownMs: 80, closedMs: 180, afterRecovery: 'pass', back: true });
  t.same(
    api!.spans.map((s) => [s.state, s.firstRound, s.lastRound]),
    [
      ['unknown', 2, 2],
      ['closed', 3, 4],
    ],
  );
  t.notOk(isBreach(api!), 'a cell expected reachable that closed is an outage, not a breach');
});

t.test('held throughout; a cell missing from a round is unknown there; not back after the restore', async (t) => {
  const rounds = [round(1, 'baseline', 'pass', 'pass'), round(2, 'recovery', 'pass', 'pass')];
  rounds.push({ ...round(3, 'restored', 'pass', 'pass'), verdicts: [verdict('db', 'blocked', 'fail')] });
  const before = new Map(rounds[0]!.verdicts.map((v) => [v.cellId, v]));
  const [db, api] = cellTimelines(before, rounds);
  t.match(db, { outcome: 'opened', back: false, afterRestore: 'fail' });
  t.match(api, { outcome: 'unknown', back: false, afterRestore: undefined });
  t.match(api!.spans[0], { firstEvidence: 'not judged in round 3' });
  const held = cellTimelines(before, rounds.slice(0, 2));
  t.same(
    held.map((c) => c.outcome),
    ['held', 'held'],
  );
});

t.test('allBack: every cell of before with the same status', async (t) => {
  const before = new Map(round(1, 'baseline', 'pass', 'pass').verdicts.map((v) => [v.cellId, v]));
  t.ok(allBack(before, round(2, 'recovery', 'pass', 'pass')));
  t.notOk(allBack(before, round(2, 'recovery', 'pass', 'inconclusive')));
  t.notOk(allBack(before, { verdicts: [verdict('db', 'blocked', 'pass')] }), 'a cell not judged is not back');
});
