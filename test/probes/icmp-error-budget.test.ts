import t from 'tap';
import { IcmpErrorBudget } from '../../probes/agent/checks/icmp-error-budget.js';
import { ICMP_BURST, ICMP_REFILL_MS, icmpBudgetDelayMs } from '../../probes/agent/protocol.js';

// Real timers with a short refill: what the budget waits for is time passing, which a fake clock would not move.
const REFILL_MS = 40;

t.test('a full bucket lets the burst go at once, and the next waits for one in flight to end', async (t) => {
  const budget = new IcmpErrorBudget(3, REFILL_MS);
  const leases = await Promise.all([1, 2, 3].map(() => budget.acquire('10.0.0.2')));
  t.same(budget.state('10.0.0.2').inFlight, 3);
  let fourth = false;
  const next = budget.acquire('10.0.0.2').then((l) => {
    fourth = true;
    return l;
  });
  await new Promise((r) => setTimeout(r, REFILL_MS * 2));
  t.notOk(fourth, 'no token beyond those in flight: it waits however long the bucket has been full');
  leases[0]!.release(false);
  const lease = await next;
  t.ok(fourth, 'a datagram that drew no error ended: its token is free again');
  for (const l of [...leases.slice(1), lease]) l.release(false);
  t.same(budget.state('10.0.0.2'), { tokens: 3, inFlight: 0 }, 'silence spends nothing');
});

t.test('each error that came back spends a token, which comes back after the refill time', async (t) => {
  const budget = new IcmpErrorBudget(2, REFILL_MS);
  for (const l of await Promise.all([1, 2].map(() => budget.acquire('10.0.0.2')))) l.release(true);
  t.ok(budget.state('10.0.0.2').tokens < 1, 'both tokens spent');
  const began = performance.now();
  const lease = await budget.acquire('10.0.0.2');
  const waited = performance.now() - began;
  t.ok(waited >= REFILL_MS * 0.9, `waited ${waited.toFixed(1)} ms for a token to come back`);
  t.ok(lease.waitedMs >= REFILL_MS * 0.9, 'and says so');
  lease.release(true);
});

t.test('addresses have buckets of their own', async (t) => {
  const budget = new IcmpErrorBudget(1, 60_000);
  (await budget.acquire('10.0.0.2')).release(true);
  const other = await budget.acquire('10.0.0.3');
  t.equal(other.waitedMs < 30, true, 'another address is not held back by the first one spent');
  other.release(false);
  t.same(budget.state('10.0.0.3'), { tokens: 1, inFlight: 0 });
});

t.test('a lease released twice counts once', async (t) => {
  const budget = new IcmpErrorBudget(2, 60_000);
  const lease = await budget.acquire('10.0.0.2');
  lease.release(true);
  lease.release(true);
  t.same(budget.state('10.0.0.2').inFlight, 0);
  t.ok(budget.state('10.0.0.2').tokens > 0.99, 'one token spent, not two');
});

t.test('icmpBudgetDelayMs: nothing within the burst, the refill and the waits past it', async (t) => {
  t.equal(icmpBudgetDelayMs(ICMP_BURST, 1000), 0);
  t.equal(icmpBudgetDelayMs(ICMP_BURST + 1, 1000), ICMP_REFILL_MS + 1000);
  t.equal(icmpBudgetDelayMs(ICMP_BURST * 3, 500), ICMP_BURST * 2 * ICMP_REFILL_MS + 2 * 500);
});
