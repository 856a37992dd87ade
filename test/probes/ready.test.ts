import { once } from 'node:events';
import { createServer } from 'node:net';
import t from 'tap';
import { proveReady, readiness, readinessKey, readyLine } from '../../probes/agent/ready.js';

// `serve --ready`: the listener tried at each of its own addresses, and what answered said in lines dockprobe reads
// before it lets a probe rely on a control peer. On loopback only.

t.test('an answering listener is ready; a closed port is not, with why, after its tries', async (t) => {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end('peer\n');
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => void server.close());
  const open = (server.address() as { port: number }).port;
  const closed = createServer().listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const shut = (closed.address() as { port: number }).port;
  await new Promise((r) => closed.close(r));

  const lines: string[] = [];
  const answered = await proveReady([open, shut], ['127.0.0.1'], (l) => lines.push(l), { tries: 2, spacingMs: 10 });
  t.equal(answered, 1);
  t.same(lines.sort(), [readyLine('127.0.0.1', open), `not-ready tcp 127.0.0.1 ${shut} ECONNREFUSED`].sort());
  const said = readiness(lines.join('\n'));
  t.equal(said.get(readinessKey('127.0.0.1', open)), 'ready');
  t.equal(said.get(readinessKey('127.0.0.1', shut)), 'not-ready');
});

t.test('lines are read by address and port, an IPv6 address however it is written', async (t) => {
  const said = readiness(
    '[serve x] tcp 40004 listening\nready tcp FD00:30:0::0065 40004\nnot-ready tcp 10.0.0.2 40004 EHOSTUNREACH\n',
  );
  t.same([...said.keys()].sort(), [readinessKey('10.0.0.2', 40004), readinessKey('fd00:30::65', 40004)].sort());
  t.equal(said.get(readinessKey('fd00:30::65', 40004)), 'ready');
  t.equal(readinessKey('fd00:30:0:0::65', 40004), 'fd00:30::65 40004');
});
