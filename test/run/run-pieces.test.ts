import t from 'tap';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import { parseAgentOutput } from '../../src/run/parse-agent-output.js';

t.test('agent output: observations by id, done and fatal, garbage kept aside', async (t) => {
  const out = parseAgentOutput(
    ['{"type":"hello","agent":"1","node":"v20","interfaces":["lo 127.0.0.1/8"]}', '{"type":"observation","observation":{"id":"c1","kind":"tcp","target":"a:1","outcome":"open","latencyMs":1}}', 'Segmentation fault', '{"type":"done","elapsedMs":5}'].join('\n'),
  );
  t.equal(out.observations.get('c1')?.outcome, 'open');
  t.same(out.interfaces, ['lo 127.0.0.1/8']);
  t.equal(out.done, true);
  t.same(out.garbage, ['Segmentation fault']);
  t.equal(parseAgentOutput('{"type":"fatal","message":"deadline"}').fatal, 'deadline');
});

t.test('cleanup runs each action once, newest first, and reaches child stacks', async (t) => {
  const order: string[] = [];
  const root = new CleanupStack();
  root.defer('a', async () => void order.push('a'));
  const child = root.child('child');
  child.stack.defer('c', async () => void order.push('c'));
  const runB = root.defer('b', async () => void order.push('b'));
  await runB();
  await runB();
  t.same(order, ['b'], 'run-now runs once');
  const failures = await Promise.all([root.runAll(), root.runAll()]);
  t.same(order, ['b', 'c', 'a']);
  t.same(failures, [[], []]);
  t.equal(root.closed, true);
});

t.test('a closed child detaches; failures are reported, not thrown', async (t) => {
  const root = new CleanupStack();
  const child = root.child('child');
  child.stack.defer('boom', async () => {
    throw new Error('container gone wrong');
  });
  t.same(await child.close(), ['boom: container gone wrong']);
  t.same(await root.runAll(), [], 'the closed child is no longer on the root');
});
