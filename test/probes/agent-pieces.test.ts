import t from 'tap';
import { inAnyCidr, inCidr } from '../../probes/agent/cidr.js';
import { classifyError, classifyUdpError } from '../../probes/agent/classify-error.js';
import { AGENT_ERROR_CODES, isAgentErrorCode, isReached } from '../../probes/agent/protocol.js';

t.test('CIDR membership, IPv4 and IPv6', async (t) => {
  t.ok(inCidr('172.19.0.2', '172.19.0.0/16'));
  t.notOk(inCidr('172.20.0.2', '172.19.0.0/16'));
  t.ok(inCidr('10.0.0.1', '0.0.0.0/0'));
  t.ok(inCidr('fd00::5', 'fd00::/64'));
  t.notOk(inCidr('fd01::5', 'fd00::/64'));
  t.notOk(inCidr('172.19.0.2', 'fd00::/64'), 'families never match');
  t.notOk(inCidr('not-an-ip', '172.19.0.0/16'));
  t.ok(inAnyCidr('203.0.113.1', []), 'no subnets: anything goes');
  t.notOk(inAnyCidr('203.0.113.1', ['172.18.0.0/16', '172.19.0.0/16']));
});

t.test('errors are classified precisely, never lumped together', async (t) => {
  const of = (code: string) => classifyError(Object.assign(new Error(code), { code })).outcome;
  t.equal(of('ECONNREFUSED'), 'refused');
  t.equal(of('EHOSTUNREACH'), 'unreachable');
  t.equal(of('ENETUNREACH'), 'unreachable');
  t.equal(of('UND_ERR_CONNECT_TIMEOUT'), 'timeout');
  t.equal(of('ECONNRESET'), 'reset');
  t.equal(of('ENOTFOUND'), 'nxdomain');
  t.equal(of('ETIMEOUT'), 'dns-timeout');
  t.equal(of('ESERVFAIL'), 'dns-error');
  t.equal(of('UND_ERR_HEADERS_TIMEOUT'), 'open', 'connected but no HTTP answer: the path is open');
  t.equal(of('EMFILE'), 'error');
  t.equal(
    classifyError(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) })).outcome,
    'refused',
    'codes are found in causes',
  );
});

t.test('only codes of the closed list go out; any other is UNKNOWN (or DP_NOT_HTTP), kept in the detail', async (t) => {
  const of = (code: string, message = 'boom') => classifyError(Object.assign(new Error(message), { code }));
  t.match(of('ECONNREFUSED'), { outcome: 'refused', errorCode: 'ECONNREFUSED', detail: 'boom' });
  t.match(of('EMFILE'), { outcome: 'error', errorCode: 'UNKNOWN', detail: 'EMFILE: boom' });
  t.match(
    of('EMFILE', 'connect EMFILE 10.0.0.1:80'),
    { errorCode: 'UNKNOWN', detail: 'connect EMFILE 10.0.0.1:80' },
    'not repeated when the message has it',
  );
  t.match(of('HPE_INVALID_CONSTANT'), { outcome: 'open', errorCode: 'HPE_INVALID_CONSTANT' });
  t.match(of('HPE_INVALID_HEADER_TOKEN'), {
    outcome: 'open',
    errorCode: 'DP_NOT_HTTP',
    detail: /HPE_INVALID_HEADER_TOKEN/,
  });
  t.match(classifyError(new Error('no code')), { outcome: 'error', errorCode: 'UNKNOWN', detail: 'no code' });
  for (const code of AGENT_ERROR_CODES) t.ok(isAgentErrorCode(code), code);
  t.notOk(isAgentErrorCode('EMFILE'));
  t.notOk(isAgentErrorCode(undefined));
});

t.test('reached means the target or its host answered', async (t) => {
  t.same(
    ['open', 'http', 'refused', 'reset', 'timeout', 'unreachable', 'nxdomain'].map((o) => isReached(o as never)),
    [true, true, true, true, false, false, false],
  );
  t.same(
    ['udp-answer', 'udp-port-unreachable', 'udp-silent'].map((o) => isReached(o as never)),
    [true, true, false],
    'a udp answer or port unreachable: reached, as a TCP refusal; silence: never',
  );
});

t.test(
  'udp errors: ICMP errors from the network by their code, what the probe could not send is an error',
  async (t) => {
    const of = (code: string, syscall: string) =>
      classifyUdpError(Object.assign(new Error(`${syscall} ${code}`), { code, syscall }));
    t.match(of('ECONNREFUSED', 'recvmsg'), { outcome: 'udp-port-unreachable', errorCode: 'ECONNREFUSED' });
    t.match(of('EHOSTUNREACH', 'recvmsg'), { outcome: 'unreachable', detail: /ICMP error came back/ });
    t.match(of('ENETUNREACH', 'connect'), { outcome: 'unreachable', detail: 'connect ENETUNREACH' }, 'no route here');
    t.match(of('EACCES', 'recvmsg'), {
      outcome: 'unreachable',
      errorCode: 'EACCES',
      detail: /ICMPv6 administratively/,
    });
    t.match(of('EACCES', 'send'), { outcome: 'error', errorCode: 'EACCES' }, 'a send refused here is no ICMP');
    t.match(of('EPERM', 'send'), { outcome: 'error', errorCode: 'EPERM' }, "the probe's own firewall");
    t.match(of('ECONNRESET', 'recvmsg'), { outcome: 'error' }, 'a TCP outcome never comes from udp');
    t.match(of('EMSGSIZE', 'send'), { outcome: 'error', errorCode: 'UNKNOWN', detail: /EMSGSIZE/ });
  },
);

t.test('a DNS query nobody answers (refused) is a DNS error, never a TCP outcome', async (t) => {
  const { createSocket } = await import('node:dgram');
  const { NameResolver } = await import('../../probes/agent/checks/resolve-name.js');
  // A UDP port bound and closed again: the query gets "port unreachable", which c-ares reports as ECONNREFUSED.
  const probe = createSocket('udp4').bind(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const port = probe.address().port;
  probe.close();
  const resolution = await new NameResolver(`127.0.0.1:${port}`, 1000).resolve('redis', []);
  t.equal(resolution.outcome, 'dns-error', `${resolution.errorCode}: ${resolution.detail}`);
  t.notOk(isReached(resolution.outcome));
});

t.test('family 6 asks for AAAA records and keeps IPv6 answers inside the subnets; family 4 asks for A', async (t) => {
  const { createSocket } = await import('node:dgram');
  const { NameResolver } = await import('../../probes/agent/checks/resolve-name.js');
  // A DNS server that answers every question with one record of the type asked for, and remembers the types.
  const asked: number[] = [];
  const server = createSocket('udp4');
  server.on('message', (query, peer) => {
    let end = 12;
    while (query[end]! !== 0) end += query[end]! + 1;
    const qtype = query.readUInt16BE(end + 1);
    asked.push(qtype);
    const question = query.subarray(12, end + 5);
    const rdata = qtype === 28 ? Buffer.from('fd00dbbb000000000000000000000002', 'hex') : Buffer.from([172, 19, 0, 2]);
    const header = Buffer.from(query.subarray(0, 12));
    header.writeUInt16BE(0x8180, 2); // a response, recursion available, no error
    header.writeUInt16BE(1, 6); // one answer
    const answer = Buffer.concat([
      Buffer.from([0xc0, 0x0c]),
      Buffer.from([0, qtype, 0, 1, 0, 0, 0, 60, 0, rdata.length]),
      rdata,
    ]);
    server.send(Buffer.concat([header, question, answer]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const resolver = new NameResolver(`127.0.0.1:${server.address().port}`, 1000);
  const six = await resolver.resolve('redis', ['172.19.0.0/16', 'fd00:dbbb::/64'], 6);
  t.same([six.outcome, six.address], ['resolved', 'fd00:dbbb::2']);
  const four = await resolver.resolve('redis', ['172.19.0.0/16', 'fd00:dbbb::/64'], 4);
  t.same([four.outcome, four.address], ['resolved', '172.19.0.2']);
  const outside = await resolver.resolve('redis', ['172.19.0.0/16'], 6);
  t.equal(outside.outcome, 'resolved-elsewhere', 'an IPv6 answer outside the target subnets is not "resolved here"');
  t.same(asked, [28, 1, 28]);
});

/** Keeps the event loop from running for `ms`, as a probe starved of CPU is kept from it. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

t.test(
  'a probe too busy to run its event loop on time: a connection the kernel completed is open, not a timeout',
  async (t) => {
    const { createServer } = await import('node:net');
    const { tcpConnect } = await import('../../probes/agent/checks/tcp-connect.js');
    const server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => server.close());
    const { port } = server.address() as { port: number };
    const attempt = tcpConnect('127.0.0.1', port, 50);
    // The connect() is issued on the next tick; then the loop is held past the 50 ms timeout while the kernel
    // completes the handshake: when it comes round, the timer and the connection are both due.
    await new Promise((resolve) => process.nextTick(resolve));
    block(300);
    t.match(await attempt, { outcome: 'open' });
  },
);

t.test('a lookup whose timeout was noticed far too late is no "not found": it is asked again, on time', async (t) => {
  const { spawn } = await import('node:child_process');
  const { NameResolver } = await import('../../probes/agent/checks/resolve-name.js');
  // A DNS server in a process of its own (this one is about to be held): it answers every A question at once.
  const server = spawn(process.execPath, [
    '-e',
    `
    const s = require('node:dgram').createSocket('udp4');
    s.on('message', (q, peer) => {
      let end = 12; while (q[end] !== 0) end += q[end] + 1;
      const h = Buffer.from(q.subarray(0, 12)); h.writeUInt16BE(0x8180, 2); h.writeUInt16BE(1, 6);
      const a = Buffer.concat([Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]), Buffer.from([172, 19, 0, 2])]);
      s.send(Buffer.concat([h, q.subarray(12, end + 5), a]), peer.port, peer.address);
    });
    s.bind(0, '127.0.0.1', () => console.log(s.address().port));
  `,
  ]);
  t.teardown(() => server.kill());
  const port = await new Promise<string>((resolve) =>
    server.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  const resolver = new NameResolver(`127.0.0.1:${port}`, 100);
  t.match(
    await resolver.resolve('redis', ['172.19.0.0/16']),
    { outcome: 'resolved', address: '172.19.0.2' },
    'answered on time',
  );
  const lookup = resolver.resolve('redis', ['172.19.0.0/16']);
  block(700);
  // The timeout was noticed 600 ms late, the answer waiting unread: asked once more, on time, the name resolves.
  t.match(await lookup, { outcome: 'resolved', address: '172.19.0.2' }, 'never a timeout taken for "not found"');
});

t.test('a server that never answers, on a loop on time: a dns-timeout, never taken for a busy probe', async (t) => {
  const { createSocket } = await import('node:dgram');
  const { NameResolver } = await import('../../probes/agent/checks/resolve-name.js');
  // Engine 20.10's embedded DNS with the probe's isolated upstream: a name unknown there gets no answer at all.
  const silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  t.teardown(() => silent.close());
  const resolution = await new NameResolver(`127.0.0.1:${silent.address().port}`, 200).resolve('postgres', []);
  t.match(
    resolution,
    { outcome: 'dns-timeout' },
    `${resolution.outcome} ${resolution.errorCode ?? ''} ${resolution.detail ?? ''}`,
  );
});
