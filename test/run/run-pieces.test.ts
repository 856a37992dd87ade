import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import { parseAgentOutput } from '../../src/run/parse-agent-output.js';

t.test('agent output: observations by id, done and fatal; a line that is not agent JSON is skipped', async (t) => {
  const out = parseAgentOutput(
    [
      '{"type":"hello","agent":"1","node":"v20","interfaces":["lo 127.0.0.1/8"]}',
      '{"type":"observation","observation":{"id":"c1","kind":"tcp","target":"a:1","outcome":"open","latencyMs":1}}',
      'Segmentation fault',
      'null',
      '42',
      '{"type":"done","elapsedMs":5}',
    ].join('\n'),
  );
  t.equal(out.observations.get('c1')?.outcome, 'open');
  t.same(out.interfaces, ['lo 127.0.0.1/8']);
  t.equal(out.done, true);
  t.equal(parseAgentOutput('{"type":"fatal","message":"deadline"}').fatal, 'deadline');
});

t.test(
  'agent output: an observation whose error code the agent may not give is kept as an error (UNKNOWN), never as the outcome it claims',
  async (t) => {
    const line = (errorCode: string) =>
      JSON.stringify({
        type: 'observation',
        observation: {
          id: errorCode,
          kind: 'tcp',
          target: 'a:1',
          outcome: 'timeout',
          latencyMs: 1,
          errorCode,
          detail: 'x',
        },
      });
    const out = parseAgentOutput(
      [line('DP_CONNECT_TIMEOUT'), line('ETIMEDOUT'), line('E_MADE_UP'), line('dp_connect_timeout')].join('\n'),
    );
    t.same([...out.observations.keys()], ['DP_CONNECT_TIMEOUT', 'ETIMEDOUT', 'E_MADE_UP', 'dp_connect_timeout']);
    t.same(
      [...out.observations.values()].map((o) => [o.outcome, o.errorCode]),
      [
        ['timeout', 'DP_CONNECT_TIMEOUT'],
        ['timeout', 'ETIMEDOUT'],
        ['error', 'UNKNOWN'],
        ['error', 'UNKNOWN'],
      ],
    );
    t.equal(out.observations.get('E_MADE_UP')?.detail, 'agent error code "E_MADE_UP" is not one dockprobe knows: x');
  },
);

/** An action that records when it starts and ends; `ms` how long it takes. */
function recorder(events: string[]) {
  return (name: string, ms: number) => async () => {
    events.push(`${name} start`);
    await sleep(ms);
    events.push(`${name} end`);
  };
}

t.test(
  'cleanup runs each action once, newest first, each only after every newer one has finished, and reaches child stacks',
  async (t) => {
    const events: string[] = [];
    const action = recorder(events);
    const root = new CleanupStack();
    // Newer actions take longer: an older one starting early would end first.
    root.defer('a', action('a', 1));
    const child = root.child('child');
    child.stack.defer('c1', action('c1', 10));
    child.stack.defer('c2', action('c2', 20));
    root.defer('b', action('b', 30));
    const runNow = root.defer('now', action('now', 1));
    await runNow();
    await runNow();
    t.same(events, ['now start', 'now end'], 'run-now runs once');
    events.length = 0;
    const failures = await Promise.all([root.runAll(), root.runAll()]);
    t.same(events, ['b start', 'b end', 'c2 start', 'c2 end', 'c1 start', 'c1 end', 'a start', 'a end']);
    t.same(failures, [[], []]);
    t.equal(root.closed, true);
  },
);

t.test('adjacent concurrent actions run together, as one step of the reverse order', async (t) => {
  const events: string[] = [];
  const action = recorder(events);
  const stack = new CleanupStack();
  stack.defer('project', action('project', 1));
  stack.defer('probe 1', action('probe 1', 30), { concurrent: true });
  stack.defer('probe 2', action('probe 2', 20), { concurrent: true });
  stack.defer('network', action('network', 1));
  stack.defer('probe 3', action('probe 3', 10), { concurrent: true });
  stack.defer('probe 4', action('probe 4', 1), { concurrent: true });
  stack.defer('boom', async () => Promise.reject(new Error('gone wrong')), { concurrent: true });
  const failures = await stack.runAll();
  t.same(failures, ['boom: gone wrong'], 'a failure is reported; the others in its step still run');
  const at = (e: string) => events.indexOf(e);
  t.ok(
    at('probe 3 start') < at('probe 4 end') && at('probe 4 start') < at('probe 3 end'),
    'probes 3 and 4 ran together',
  );
  t.ok(at('probe 3 end') < at('network start'), 'the network waits for the probes deferred after it');
  t.ok(at('network end') < at('probe 2 start'), 'a non-concurrent action separates two steps');
  t.ok(
    at('probe 1 start') < at('probe 2 end') && at('probe 2 start') < at('probe 1 end'),
    'probes 1 and 2 ran together',
  );
  t.same(events.slice(-2), ['project start', 'project end'], 'the oldest runs last, alone');
});

t.test('an action deferred while cleanup runs is run too', async (t) => {
  const order: string[] = [];
  const stack = new CleanupStack();
  stack.defer('old', async () => void order.push('old'));
  stack.defer('creator', async () => {
    order.push('creator');
    stack.defer('late', async () => void order.push('late'));
  });
  await stack.runAll();
  t.same(order, ['creator', 'late', 'old']);
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
