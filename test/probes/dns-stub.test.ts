import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import t, { type Test } from 'tap';
import { encodeDnsQuery, parseDnsAnswer } from '../../probes/agent/checks/dns-message.js';
import { DnsStub, servfailAnswer } from '../../probes/agent/dns-stub.js';
import type { Observation, ProbePlan } from '../../probes/agent/protocol.js';
import { runPlan } from '../../probes/agent/run-plan.js';
import { answerTo, askedName } from '../fixtures/dns-answer.js';
import { lookupPlan } from '../fixtures/lookup-plan.js';

// The probe's stub resolver on its own loopback, where its embedded DNS forwards the names it holds no record of:
// SERVFAIL at once to every query, nothing sent on, and each name remembered as proof that the engine forwarded it.
// The engine is faked on loopback: it answers the names it knows itself and forwards the others to the stub, as
// Docker's embedded DNS does with the probe's upstream.

t.test(
  'servfailAnswer: the SERVFAIL answer to a standard query, its question echoed; nothing for anything else',
  async (t) => {
    const query = encodeDnsQuery(0x1234, 'Foreign.Example.');
    const made = servfailAnswer(query.bytes);
    if (!made) return t.fail('an answer');
    t.equal(made.name, 'foreign.example');
    t.same(parseDnsAnswer(made.answer, query), { rcode: 2, rcodeName: 'SERVFAIL', answers: 0 });
    t.equal(made.answer.readUInt16BE(2) & 0x0100, 0x0100, 'recursion desired echoed');
    t.equal(servfailAnswer(made.answer), undefined, 'a response is not answered');
    t.equal(servfailAnswer(query.bytes.subarray(0, 11)), undefined, 'shorter than a header');
    t.equal(servfailAnswer(query.bytes.subarray(0, query.bytes.length - 2)), undefined, 'its question cut short');
    const two = Buffer.from(query.bytes);
    two.writeUInt16BE(2, 4);
    t.equal(servfailAnswer(two), undefined, 'two questions');
    const update = Buffer.from(query.bytes);
    update.writeUInt16BE(0x2800, 2);
    t.equal(servfailAnswer(update), undefined, 'not a standard query');
  },
);

async function stub(t: Test): Promise<DnsStub> {
  const s = await DnsStub.listen('127.0.0.1', 0);
  if (!s) throw new Error('the stub could not listen on an ephemeral port');
  t.teardown(() => s.close());
  return s;
}

t.test('the stub answers SERVFAIL at once and remembers when each name came', async (t) => {
  const s = await stub(t);
  const resolver = new Resolver({ timeout: 5000, tries: 1 });
  resolver.setServers([`127.0.0.1:${s.port}`]);
  const before = performance.now();
  await t.rejects(resolver.resolve4('Gone.Test'), { code: 'ESERVFAIL' });
  const after = performance.now();
  t.ok(s.askedSince('gone.test', before), 'asked after the lookup began');
  t.ok(s.askedSince('GONE.TEST.', before), 'in any case, with or without the final dot');
  t.notOk(s.askedSince('gone.test', after), 'not asked after it ended');
  t.notOk(s.askedSince('other.test', before), 'another name was never asked');
});

t.test('a port already taken: no stub, and no error', async (t) => {
  const s = await stub(t);
  t.equal(await DnsStub.listen('127.0.0.1', s.port), undefined);
});

type Mode = 'healthy' | 'overloaded';

/**
 * An embedded DNS on loopback: it knows `ctl.test` and `there.test` (127.0.0.1) and forwards every other name to
 * `upstream`, relaying its answer. Overloaded, it leaves the names it knows unanswered and forwards the rest.
 */
async function embeddedDns(t: Test, upstream: number, mode: () => Mode): Promise<string> {
  const socket = createSocket('udp4');
  const forward = createSocket('udp4');
  const pending = new Map<number, { port: number; address: string }>();
  forward.on('message', (answer) => {
    const to = pending.get(answer.readUInt16BE(0));
    if (to) socket.send(answer, to.port, to.address);
  });
  socket.on('message', (q, peer) => {
    const name = askedName(q);
    if (name !== 'ctl.test' && name !== 'there.test') {
      pending.set(q.readUInt16BE(0), peer);
      forward.send(q, upstream, '127.0.0.1');
      return;
    }
    if (mode() === 'overloaded') return;
    socket.send(answerTo(q, true), peer.port, peer.address);
  });
  socket.bind(0, '127.0.0.1');
  forward.bind(0, '127.0.0.1');
  await Promise.all([once(socket, 'listening'), once(forward, 'listening')]);
  t.teardown(() => {
    socket.close();
    forward.close();
  });
  return `127.0.0.1:${socket.address().port}`;
}

function plan(dnsServer: string, names: string[]): ProbePlan {
  return lookupPlan(dnsServer, names, 500, [
    { id: 'http', kind: 'http', url: 'http://elsewhere.test:8080/', subnets: [] },
  ]);
}

async function observe(p: ProbePlan, s: DnsStub | undefined): Promise<Map<string, Observation>> {
  const seen = new Map<string, Observation>();
  await runPlan(p, (o) => seen.set(o.id, o), s);
  return seen;
}

t.test('a name the engine forwarded to the stub: not found, and said so (DP_DNS_FORWARDED)', async (t) => {
  const s = await stub(t);
  const dns = await embeddedDns(t, s.port, () => 'healthy');
  const seen = await observe(plan(dns, ['gone.test', 'there.test']), s);
  t.match(seen.get('gone.test'), {
    outcome: 'dns-error',
    errorCode: 'DP_DNS_FORWARDED',
    detail:
      /holds no record of gone\.test: it forwarded the name upstream, to this probe's own stub resolver at 127\.0\.0\.1:53, which answered SERVFAIL and sent it nowhere \(ESERVFAIL\)/,
  });
  t.match(
    seen.get('http'),
    { kind: 'http', outcome: 'dns-error', errorCode: 'DP_DNS_FORWARDED' },
    'a name in a URL too',
  );
  // A name the network holds never reaches the stub: the engine answers it itself.
  t.match(seen.get('there.test'), { outcome: 'resolved', addresses: ['127.0.0.1'] });
  t.match(seen.get('ctl'), { outcome: 'resolved' });
});

t.test('without the stub the same lookup is a plain SERVFAIL from the engine, as engines 26+ give', async (t) => {
  // The engine's own SERVFAIL, where nothing forwards: the stub's answer reads the same, with the proof added.
  const s = await stub(t);
  const dns = await embeddedDns(t, s.port, () => 'healthy');
  const seen = await observe(plan(dns, ['gone.test']), undefined);
  t.match(seen.get('gone.test'), { outcome: 'dns-error', errorCode: 'ESERVFAIL' });
});

t.test('fail closed stays: a forwarded name while the DNS control goes unanswered is DP_DNS_OVERLOADED', async (t) => {
  const s = await stub(t);
  let mode: Mode = 'healthy';
  const dns = await embeddedDns(t, s.port, () => mode);
  const p = plan(dns, ['gone.test']);
  // The controls run first and must pass; the overload begins with the checks.
  const seen = new Map<string, Observation>();
  await runPlan(
    p,
    (o) => {
      seen.set(o.id, o);
      if (o.id === 'ctl') mode = 'overloaded';
    },
    s,
  );
  t.match(seen.get('ctl'), { outcome: 'resolved' });
  t.match(seen.get('gone.test'), { outcome: 'error', errorCode: 'DP_DNS_OVERLOADED' });
});
