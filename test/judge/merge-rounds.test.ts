import t from 'tap';
import { mergeRounds } from '../../src/judge/merge-rounds.js';
import { verdict } from '../fixtures/run-result.js';

const attempt = { checkId: 'c1', via: 'name' as const, description: 'redis:6379 by name', family: 4 as const };

t.test('one round is returned as is', async (t) => {
  const only = [verdict({ cellId: 'a' })];
  t.same(mergeRounds([only]), only);
});

t.test('every attempt is kept; one failing round fails the cell and is named', async (t) => {
  const round = (status: 'pass' | 'fail', outcome: 'timeout' | 'open') => [
    verdict({
      cellId: 'a',
      status,
      reason: status === 'fail' ? 'reached' : 'blocked',
      evidence: [{ attempt, observation: { id: 'c1', kind: 'tcp', target: 'redis:6379', outcome, latencyMs: 1 } }],
    }),
  ];
  const merged = mergeRounds([round('pass', 'timeout'), round('fail', 'open'), round('pass', 'timeout')]);
  t.equal(merged.length, 1);
  t.equal(merged[0]!.status, 'fail');
  t.equal(merged[0]!.reason, 'round 2: reached (2/3 rounds passed)');
  t.same(
    merged[0]!.evidence.map((e) => e.attempt.description),
    ['round 1: redis:6379 by name', 'round 2: redis:6379 by name', 'round 3: redis:6379 by name'],
  );
});

t.test('inconclusive outranks pass; all passing rounds pass', async (t) => {
  t.equal(
    mergeRounds([[verdict({ cellId: 'a' })], [verdict({ cellId: 'a', status: 'inconclusive' })]])[0]!.status,
    'inconclusive',
  );
  const passed = mergeRounds([
    [verdict({ cellId: 'a', reason: 'blocked' })],
    [verdict({ cellId: 'a', reason: 'blocked' })],
  ])[0]!;
  t.equal(passed.status, 'pass');
  t.equal(passed.reason, 'blocked (2/2 rounds passed)');
});
