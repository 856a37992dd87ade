import t from 'tap';
import { inAnyCidr, inCidr } from '../../probes/agent/cidr.js';
import { classifyError } from '../../probes/agent/classify-error.js';
import { isReached } from '../../probes/agent/protocol.js';

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
  t.equal(classifyError(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) })).outcome, 'refused', 'codes are found in causes');
});

t.test('reached means the target or its host answered', async (t) => {
  t.same(['open', 'http', 'refused', 'reset', 'timeout', 'unreachable', 'nxdomain'].map((o) => isReached(o as never)), [true, true, true, true, false, false, false]);
});

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
