import t from 'tap';
import { planLanes, type QueuedRun } from '../../probes/agent/plan-lanes.js';
import type { Check } from '../../probes/agent/protocol.js';

// How a probe's queue is split into lanes: connects by address beside the rest, each under its own bound, each in
// the queue's order, so a control's repeat stays among the checks it was placed among.

const run = (check: Check, n = 1): QueuedRun => ({ check, id: n === 1 ? check.id : `${check.id}@${n}` });
const dnsControl: Check = { id: 'dns', kind: 'dns', name: 'self', subnets: [] };
const peer: Check = { id: 'peer', kind: 'tcp', host: '10.0.0.2', port: 80, subnets: [] };
const byName: Check = { id: 'n1', kind: 'tcp', host: 'svc', port: 80, subnets: [] };
const byAddress: Check = { id: 'a1', kind: 'tcp', host: '10.0.1.5', port: 80, subnets: [] };
const http: Check = { id: 'h1', kind: 'http', url: 'http://10.0.1.5/', subnets: [] };
const queue = [run(dnsControl), run(peer), run(byName), run(byAddress), run(dnsControl, 2), run(peer, 2), run(http)];

t.test('with a connect bound: tcp by address in its own lane, in order; the rest under --concurrency', async (t) => {
  const lanes = planLanes({ concurrency: 32, connectConcurrency: 512 }, queue);
  t.same(
    lanes.map((l) => [l.limit, l.runs.map((r) => r.id)]),
    [
      [32, ['dns', 'n1', 'dns@2', 'h1']],
      [512, ['peer', 'a1', 'peer@2']],
    ],
  );
});

t.test('without one: a single lane under --concurrency, the queue as it is', async (t) => {
  const lanes = planLanes({ concurrency: 32 }, queue);
  t.same(
    lanes.map((l) => [l.limit, l.runs.map((r) => r.id)]),
    [[32, queue.map((r) => r.id)]],
  );
});

t.test('an empty lane is left out; bounds are at least one', async (t) => {
  const lanes = planLanes({ concurrency: 0, connectConcurrency: 0 }, [run(byAddress)]);
  t.same(
    lanes.map((l) => [l.limit, l.runs.map((r) => r.id)]),
    [[1, ['a1']]],
  );
});
