import t from 'tap';
import type { Verdict } from '../../src/judge/verdict.js';
import { CellStates, pathNow } from '../../src/watch/cell-states.js';

// A cell's history across rounds: each change once, a breach only into FAIL of a cell expected blocked, a cell no
// longer planned said once and forgotten.

const verdict = (cellId: string, expected: Verdict['expected'], status: Verdict['status']): Verdict => ({
  cellId,
  expectation: 'e',
  location: 'f.yml:1:1',
  source: 'network public',
  target: cellId,
  expected,
  status,
  code: status === 'inconclusive' ? 'probe-failed' : expected === 'blocked' ? 'blocked' : 'reached',
  observed: 'x',
  reason: 'y',
  latencyMs: 1,
  evidence: [],
});

t.test('the path a verdict says', async (t) => {
  t.equal(pathNow(verdict('a', 'blocked', 'pass')), 'closed');
  t.equal(pathNow(verdict('a', 'blocked', 'fail')), 'opened');
  t.equal(pathNow(verdict('a', 'reachable', 'pass')), 'opened');
  t.equal(pathNow(verdict('a', 'reachable', 'fail')), 'closed');
  t.equal(pathNow(verdict('a', 'reachable', 'inconclusive')), 'unknown');
});

t.test('changes, breaches, and cells that went away', async (t) => {
  const states = new CellStates();
  t.same(
    states.update(1, [verdict('db', 'blocked', 'pass'), verdict('api', 'reachable', 'pass')]).map((c) => c.cellId),
    ['db', 'api'],
    'every cell, the first time',
  );
  t.same(states.update(2, [verdict('db', 'blocked', 'pass'), verdict('api', 'reachable', 'pass')]), [], 'no change');
  const breach = states.update(3, [verdict('db', 'blocked', 'fail'), verdict('api', 'reachable', 'fail')]);
  t.same(
    breach.map((c) => `${c.cellId} ${c.path} ${c.breach}`),
    ['db opened true', 'api closed false'],
  );
  t.same(states.update(4, [verdict('db', 'blocked', 'fail'), verdict('api', 'reachable', 'fail')]), [], 'still FAIL');
  const gone = states.update(5, [verdict('db', 'blocked', 'inconclusive')]);
  t.same(
    gone.map((c) => `${c.cellId} ${c.from} → ${c.to} ${c.path}`),
    ['db fail → inconclusive unknown', 'api fail → undefined unknown'],
  );
  t.match(gone[1]!.verdict.reason, /no longer checked/);
  t.same([...states.current.keys()], ['db'], 'forgotten once said');
  t.match(states.update(6, [verdict('db', 'blocked', 'fail')]), [{ breach: true }], 'into FAIL again: a breach again');
});
