import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import t, { type Test } from 'tap';
import type { Observation, ProbePlan } from '../../probes/agent/protocol.js';
import { runPlan } from '../../probes/agent/run-plan.js';
import { answerTo, askedName } from '../fixtures/dns-answer.js';
import { lookupPlan } from '../fixtures/lookup-plan.js';

// Fail closed under DNS overload: an embedded DNS swamped with lookups leaves names that exist unanswered, or answers
// them as missing, while the probe's DNS control may hold at the moments it runs. A lookup that did not resolve must
// then not read as "the name is missing here" (isolation proven): only when the DNS control's name, asked after the
// lookup began, resolved. The DNS server is faked on loopback: `overloaded` answers every name as missing (or answers
// nothing); otherwise it knows `ctl.test` and `there.test`, and nothing else.

type Mode = 'healthy' | 'nxdomain' | 'silent';

async function fakeDns(t: Test, mode: () => Mode): Promise<string> {
  const socket = createSocket('udp4');
  socket.on('message', (q, peer) => {
    const name = askedName(q);
    const now = mode();
    if (now === 'silent') return;
    const known = now === 'healthy' && (name === 'ctl.test' || name === 'there.test');
    socket.send(answerTo(q, known), peer.port, peer.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  t.teardown(() => socket.close());
  return `127.0.0.1:${socket.address().port}`;
}

function plan(dnsServer: string, names: string[]): ProbePlan {
  return lookupPlan(dnsServer, names, 300);
}

async function observe(p: ProbePlan): Promise<Map<string, Observation>> {
  const seen = new Map<string, Observation>();
  await runPlan(p, (o) => seen.set(o.id, o));
  return seen;
}

for (const overload of ['nxdomain', 'silent'] as const)
  t.test(
    `a lookup answered ${overload === 'nxdomain' ? 'as missing' : 'by nothing'} while the server answers no name: never proof`,
    async (t) => {
      // The control's first run is answered; then the server is swamped: everything after it looks missing.
      let queries = 0;
      const server = await fakeDns(t, () => (++queries <= 1 ? 'healthy' : overload));
      const seen = await observe(plan(server, ['there.test', 'missing.test']));
      t.equal(seen.get('ctl')?.outcome, 'resolved', 'the control held when it ran');
      for (const id of ['there.test', 'missing.test']) {
        const o = seen.get(id)!;
        t.equal(o.outcome, 'error', `${id}: not "not found"`);
        t.equal(o.errorCode, 'DP_DNS_OVERLOADED', o.detail ?? id);
      }
    },
  );

t.test('a name the server answers as missing while it answers the control: not found, as before', async (t) => {
  const server = await fakeDns(t, () => 'healthy');
  const seen = await observe(plan(server, ['there.test', 'missing.test']));
  t.equal(seen.get('there.test')?.outcome, 'resolved');
  t.equal(seen.get('missing.test')?.outcome, 'nxdomain', 'the witness vouched: the name is missing');
});

t.test(
  'a lookup failure without a DNS control to witness it: reported as it came (the judge needs the control)',
  async (t) => {
    let queries = 0;
    const server = await fakeDns(t, () => (++queries <= 1 ? 'healthy' : 'nxdomain'));
    const seen = await observe({ ...plan(server, ['there.test']), controls: [] });
    t.equal(seen.get('there.test')?.outcome, 'nxdomain');
  },
);
