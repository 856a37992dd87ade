import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { withTimeout } from '../../probes/agent/with-timeout.js';

// One helper for every bounded wait, in the agent and in the orchestrator; each caller brings its own error.

t.test('the answer, when it comes in time; the error is not even made', async (t) => {
  let made = 0;
  const onTimeout = () => {
    made++;
    return new Error('late');
  };
  t.equal(await withTimeout(sleep(5, 'answer'), 1000, onTimeout), 'answer');
  await t.rejects(
    withTimeout(Promise.reject(new Error('refused')), 1000, onTimeout),
    { message: 'refused' },
    "the promise's own failure goes through",
  );
  t.equal(made, 0);
});

t.test("on expiry, the caller's error", async (t) => {
  const started = Date.now();
  const never = new Promise<never>(() => undefined);
  const error = await withTimeout(never, 50, () =>
    Object.assign(new Error('no DNS answer within 50 ms'), { code: 'DP_DNS_TIMEOUT' }),
  ).catch((e: unknown) => e);
  t.match(error, { code: 'DP_DNS_TIMEOUT', message: 'no DNS answer within 50 ms' });
  t.ok(Date.now() - started >= 45, 'not before the limit');
});

t.test('the timer never outlives the race (the agent process must be free to exit)', async (t) => {
  const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  await withTimeout(Promise.resolve(1), 60_000, () => new Error('late'));
  await withTimeout(Promise.reject(new Error('x')), 60_000, () => new Error('late')).catch(() => undefined);
  t.equal(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length, before);
});
