import t from 'tap';
import { Slots } from '../../probes/agent/slots.js';

t.test('at most `size` at once, the rest in the order they came', async (t) => {
  const slots = new Slots(2);
  let inFlight = 0;
  let most = 0;
  const order: number[] = [];
  const releases: (() => void)[] = [];
  const jobs = Array.from({ length: 6 }, (_, i) =>
    slots.use(async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      order.push(i);
      await new Promise<void>((r) => releases.push(r));
      inFlight--;
      return i;
    }),
  );
  while (order.length < 6) {
    await new Promise((r) => setImmediate(r));
    t.ok(inFlight <= 2);
    releases.shift()?.();
  }
  for (const r of releases) r();
  t.same(await Promise.all(jobs), [0, 1, 2, 3, 4, 5]);
  t.equal(most, 2);
  t.same(order, [0, 1, 2, 3, 4, 5], 'first come, first served');
});

t.test('a slot is given back when the work throws', async (t) => {
  const slots = new Slots(1);
  await t.rejects(slots.use(async () => Promise.reject(new Error('no'))));
  t.equal(await slots.use(async () => 'next'), 'next');
});
