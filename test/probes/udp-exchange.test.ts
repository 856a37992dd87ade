import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { randomInt } from 'node:crypto';
import t from 'tap';
import { udpExchange } from '../../probes/agent/checks/udp-exchange.js';
import { DEFAULT_UDP_PAYLOAD, type UdpCheck } from '../../probes/agent/protocol.js';
import { startDnsResponder } from '../fixtures/dns-responder.js';

// The udp check on loopback, one outcome at a time: real sockets, a closed port's real ICMP error.

/** A datagram a listener got: when, from which source port, what. */
interface Seen {
  at: number;
  from: number;
  bytes: Buffer;
}

/** A UDP listener on loopback that records every datagram and answers those `answer` says to (with its text). */
async function listener(
  t: { teardown(fn: () => void): void },
  answer: (seen: Seen[]) => string | undefined,
  address = '127.0.0.1',
): Promise<{ port: number; seen: Seen[] }> {
  const socket: Socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
  const seen: Seen[] = [];
  socket.on('message', (bytes: Buffer, peer: RemoteInfo) => {
    seen.push({ at: performance.now(), from: peer.port, bytes });
    const text = answer(seen);
    if (text !== undefined) socket.send(text, peer.port, peer.address);
  });
  socket.bind(0, address);
  await once(socket, 'listening');
  t.teardown(() => socket.close());
  return { port: socket.address().port, seen };
}

/**
 * How much later the listener may read one datagram than the next: gaps are timed where the datagrams are read, which
 * can be a little after they came on a busy machine (the agent times its spacing from its own send).
 */
const READ_LATE_MS = 25;

async function closedPort(address = '127.0.0.1'): Promise<number> {
  const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
  socket.bind(0, address);
  await once(socket, 'listening');
  const { port } = socket.address();
  socket.close();
  return port;
}

const udp = (port: number, more: Partial<UdpCheck> = {}): UdpCheck => ({
  id: 'u',
  kind: 'udp',
  host: '127.0.0.1',
  port,
  subnets: [],
  ...more,
});

t.test('an answer from the port is udp-answer, with its size and first bytes; IPv4 and IPv6', async (t) => {
  for (const address of ['127.0.0.1', '::1']) {
    const echo = await listener(t, () => 'pong\n', address);
    const result = await udpExchange(address, udp(echo.port, { host: address }), 1000);
    t.match(result, { outcome: 'udp-answer', tries: 1, bytes: 5, detail: /"pong\\x0a"/ }, address);
    t.equal(result.errorCode, undefined);
    t.equal(echo.seen[0]!.bytes.toString(), DEFAULT_UDP_PAYLOAD, 'the default payload');
  }
  const echo = await listener(t, () => 'ok');
  const payload = Buffer.from([0, 1, 2, 0xff]);
  await udpExchange('127.0.0.1', udp(echo.port, { payload: payload.toString('base64') }), 1000);
  t.same(echo.seen[0]!.bytes, payload, 'a payload of its own, byte for byte');
});

t.test('a DNS query for the name given: a DNS answer is udp-answer; any other answer is DP_NOT_DNS', async (t) => {
  const dns = await startDnsResponder('127.0.0.1');
  t.teardown(() => dns.stop());
  const result = await udpExchange('127.0.0.1', udp(dns.port, { dnsName: 'dockprobe-probe' }), 1000);
  t.match(result, { outcome: 'udp-answer', tries: 1, detail: /a DNS answer \(NOERROR, 1 records\)/ });
  t.equal(result.errorCode, undefined);
  t.same(dns.questions, ['dockprobe-probe 1'], 'it asked for the A records of the name');

  const echo = await listener(t, () => 'not dns');
  t.match(await udpExchange('127.0.0.1', udp(echo.port, { dnsName: '.' }), 1000), {
    outcome: 'udp-answer',
    errorCode: 'DP_NOT_DNS',
    detail: /not DNS \(shorter than a DNS header\)/,
  });
  // A DNS answer to another query (another id): the port answered, but not this question.
  const stale = await listener(t, (seen) => {
    const answer = Buffer.from(seen[0]!.bytes);
    answer.writeUInt16BE(answer.readUInt16BE(0) ^ 1, 0);
    answer.writeUInt16BE(0x8180, 2);
    return answer.toString('latin1');
  });
  t.match(await udpExchange('127.0.0.1', udp(stale.port, { dnsName: '.' }), 1000), {
    outcome: 'udp-answer',
    errorCode: 'DP_NOT_DNS',
    detail: /not the id of the query sent/,
  });
});

t.test('port 53 without a payload asks DNS for the root', async (t) => {
  // A loopback address of its own (all of 127/8 is loopback), so no other DNS server on this host is in the way.
  const address = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.53`;
  const dns = await startDnsResponder(address, 53).catch((error: Error) => error);
  if (dns instanceof Error)
    return t.test(
      'on port 53',
      { skip: `cannot bind ${address}:53 here (not root, or a server on *:53): ${dns.message}` },
      () => undefined,
    );
  t.teardown(() => dns.stop());
  t.match(await udpExchange(address, udp(53, { host: address }), 1000), { outcome: 'udp-answer', detail: /NOERROR/ });
  t.same(dns.questions, ['. 1']);
  const echo = await listener(t, () => 'x');
  await udpExchange('127.0.0.1', udp(echo.port), 1000);
  t.equal(echo.seen[0]!.bytes.toString(), DEFAULT_UDP_PAYLOAD, 'another port: the payload');
});

t.test('a closed port: udp-port-unreachable at the first try, never tried again; IPv4 and IPv6', async (t) => {
  for (const address of ['127.0.0.1', '::1']) {
    t.match(
      await udpExchange(address, udp(await closedPort(address), { host: address, tries: 3 }), 1000),
      { outcome: 'udp-port-unreachable', errorCode: 'ECONNREFUSED', tries: 1 },
      address,
    );
  }
});

t.test('silence: every try from a fresh socket, each at least spacingMs after the one before', async (t) => {
  const silent = await listener(t, () => undefined);
  const result = await udpExchange('127.0.0.1', udp(silent.port, { tries: 3, spacingMs: 300 }), 100);
  t.match(result, {
    outcome: 'udp-silent',
    errorCode: 'DP_UDP_SILENT',
    tries: 3,
    detail: /any of 3 datagrams, each sent at least 300 ms after the one before/,
  });
  t.equal(silent.seen.length, 3, 'one datagram per try');
  t.equal(new Set(silent.seen.map((s) => s.from)).size, 3, 'each from a socket of its own');
  for (let i = 1; i < 3; i++) {
    const gap = silent.seen[i]!.at - silent.seen[i - 1]!.at;
    t.ok(gap >= 300 - READ_LATE_MS, `try ${i + 1} came ${gap.toFixed(1)} ms after try ${i}`);
  }
  const once = await listener(t, () => undefined);
  t.match(await udpExchange('127.0.0.1', udp(once.port, { tries: 1 }), 100), { outcome: 'udp-silent', tries: 1 });
  t.equal(once.seen.length, 1, 'tries: 1 is one datagram');
});

t.test('a try that stays silent is tried again, and the answer to the later one counts', async (t) => {
  // Answers every datagram but the first, as a port whose ICMP error the rate limit held back at first.
  const second = await listener(t, (seen) => (seen.length > 1 ? 'now' : undefined));
  const result = await udpExchange('127.0.0.1', udp(second.port, { spacingMs: 400 }), 100);
  t.match(result, { outcome: 'udp-answer', tries: 2, detail: /"now"/ }, 'two tries unless the check says');
  const gap = second.seen[1]!.at - second.seen[0]!.at;
  t.ok(gap >= 400 - READ_LATE_MS, `the second try came ${gap.toFixed(1)} ms after the first`);

  // A spacing under the wait: the next try goes when the wait is over.
  const short = await listener(t, (seen) => (seen.length > 1 ? 'now' : undefined));
  await udpExchange('127.0.0.1', udp(short.port, { spacingMs: 0 }), 200);
  const waited = short.seen[1]!.at - short.seen[0]!.at;
  t.ok(
    waited >= 200 - READ_LATE_MS,
    `the second try came ${waited.toFixed(1)} ms after the first, after its 200 ms wait`,
  );
});

t.test(
  'what cannot be sent is an error before any datagram: a payload too large, a name DNS cannot carry',
  async (t) => {
    const echo = await listener(t, () => 'x');
    t.match(await udpExchange('127.0.0.1', udp(echo.port, { payload: Buffer.alloc(2000).toString('base64') }), 500), {
      outcome: 'error',
      tries: 0,
      detail: /2000 bytes is over the 1024/,
    });
    t.match(await udpExchange('127.0.0.1', udp(echo.port, { dnsName: 'a..b' }), 500), {
      outcome: 'error',
      errorCode: 'EBADNAME',
      tries: 0,
    });
    t.equal(echo.seen.length, 0, 'nothing was sent');
  },
);

t.test('a udp check retried as a check expected reachable keeps its spacing across runs', async (t) => {
  const { runPlan } = await import('../../probes/agent/run-plan.js');
  const { PLAN_VERSION } = await import('../../probes/agent/protocol.js');
  const silent = await listener(t, () => undefined);
  const seen: { tries?: number; outcome: string }[] = [];
  await runPlan(
    {
      version: PLAN_VERSION,
      dnsServer: '127.0.0.1',
      timeoutMs: 100,
      deadlineMs: 10_000,
      concurrency: 4,
      controls: [],
      checks: [udp(silent.port, { tries: 1, spacingMs: 600, retries: 1 })],
    },
    (o) => seen.push(o),
  );
  t.match(seen, [{ outcome: 'udp-silent', tries: 2 }]);
  const gap = silent.seen[1]!.at - silent.seen[0]!.at;
  t.ok(gap >= 600 - READ_LATE_MS, `the retried run's datagram came ${gap.toFixed(1)} ms after the first run's`);
});
