import t from 'tap';
import { type Clock, describeTriggers, RoundScheduler } from '../../src/watch/round-scheduler.js';

// When rounds run, on a clock the test moves: a burst coalesced into one round once it settles, never later than the
// maximum delay after its first event; the interval when nothing asks; a reload at once; a retry's backoff.

function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  return {
    now: () => now,
    sleep: () => Promise.reject(new Error('the test decides when time passes: ask dueAt()')),
    advance: (ms) => {
      now += ms;
    },
  };
}

const options = { intervalMs: 120_000, settleMs: 2_000, maxDelayMs: 10_000 };

t.test('the first round is due at once, then one every interval when nothing asks', async (t) => {
  const clock = manualClock();
  const s = new RoundScheduler(options, clock);
  t.equal(s.dueAt(), 0);
  t.match(await s.next(), { triggers: [{ kind: 'start' }] });
  t.equal(s.dueAt(), 120_000);
  clock.advance(120_000);
  t.match(await s.next(), { triggers: [{ kind: 'interval' }] });
});

t.test('a burst gives one round once it settles; constant churn waits no longer than the maximum delay', async (t) => {
  const clock = manualClock();
  const s = new RoundScheduler(options, clock);
  await s.next();
  for (let i = 0; i < 3; i++) {
    s.trigger({ kind: 'event', what: `container start: web-${i}` });
    clock.advance(500);
  }
  t.equal(s.dueAt(), 1_000 + 2_000, 'settled 2 s after the last event');
  // Churn: an event every second keeps the burst from settling.
  for (let i = 0; i < 20; i++) {
    clock.advance(1_000);
    s.trigger({ kind: 'event', what: `container die: job-${i}` });
  }
  t.equal(s.dueAt(), 10_000, 'the maximum delay after the first event');
  const round = (await s.next())!;
  t.equal(round.triggers.length, 5, 'five triggers kept to say why');
  t.equal(round.more, 18, 'the rest counted');
  t.equal(describeTriggers(round.triggers, round.more).endsWith('(+18 more)'), true);
  t.equal(s.dueAt(), clock.now() + 120_000, 'then the interval again');
});

t.test('a reload runs at once; a retry waits for its backoff', async (t) => {
  const clock = manualClock();
  const s = new RoundScheduler(options, clock);
  await s.next();
  clock.advance(5_000);
  s.trigger({ kind: 'reload', what: 'SIGHUP' });
  t.equal(s.dueAt(), 5_000);
  await s.next();
  s.trigger({ kind: 'retry', what: 'the engine did not answer' }, { notBeforeMs: 4_000 });
  t.equal(s.dueAt(), 9_000);
  s.trigger({ kind: 'event', what: 'container start: web' });
  t.equal(s.dueAt(), 9_000, 'nothing runs before the backoff');
});

t.test('close ends a pending wait', async (t) => {
  const s = new RoundScheduler(options);
  await s.next();
  const waiting = s.next();
  s.close();
  t.equal(await waiting, undefined);
});
