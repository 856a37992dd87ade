import { spawn } from 'node:child_process';
import { createSocket, Socket } from 'node:dgram';
import { once } from 'node:events';
import t from 'tap';
import { udpTry } from '../../probes/agent/checks/udp-try.js';

// How node reports an ICMP port unreachable to a UDP socket, on loopback (a closed port answers with one at once):
// what the agent's udp check is built on. Linux gives a socket the error only when it is connected, as the error of
// its next receive or send; node reads it as an 'error' event (syscall recvmsg) when its loop comes round first, or in
// the callback of a send made before that; an 'error' event with no listener ends the process.

/** A UDP port on loopback that nothing listens on. */
async function closedPort(type: 'udp4' | 'udp6' = 'udp4'): Promise<number> {
  const socket = createSocket(type);
  socket.bind(0, type === 'udp4' ? '127.0.0.1' : '::1');
  await once(socket, 'listening');
  const { port } = socket.address();
  socket.close();
  return port;
}

/** Everything the socket reports (error events with their syscall, send callbacks) until `ms` have passed. */
async function watch(socket: Socket, ms: number, events: string[]): Promise<string[]> {
  socket.on('error', (e: NodeJS.ErrnoException) => events.push(`error ${e.code} ${e.syscall}`));
  await new Promise((resolve) => setTimeout(resolve, ms));
  socket.close();
  return events;
}

/** Keeps the event loop from running for `ms`. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

t.test('connected: the ICMP error comes as an error event from recvmsg; the send itself succeeded', async (t) => {
  for (const type of ['udp4', 'udp6'] as const) {
    const port = await closedPort(type);
    const socket = createSocket(type);
    const events: string[] = [];
    socket.connect(port, type === 'udp4' ? '127.0.0.1' : '::1', () =>
      socket.send('x', (e) => events.push(`send ${e ? (e as NodeJS.ErrnoException).code : 'ok'}`)),
    );
    t.same(await watch(socket, 300, events), ['send ok', 'error ECONNREFUSED recvmsg'], type);
  }
});

t.test('unconnected: the same datagram to the same closed port reports nothing at all', async (t) => {
  const port = await closedPort();
  const socket = createSocket('udp4');
  const events: string[] = [];
  socket.send('x', port, '127.0.0.1', (e) => events.push(`send ${e ? (e as NodeJS.ErrnoException).code : 'ok'}`));
  t.same(await watch(socket, 300, events), ['send ok'], 'the kernel keeps ICMP errors for connected sockets');
});

t.test('a send made before the loop reads the error takes it in its callback, and no event comes', async (t) => {
  const port = await closedPort();
  const socket = createSocket('udp4');
  const events: string[] = [];
  socket.connect(port, '127.0.0.1', () =>
    socket.send('a', () => {
      // The ICMP error arrives while the loop is held; the next send is made before the loop can read it.
      block(100);
      socket.send('b', (e) => events.push(`second send ${e ? (e as NodeJS.ErrnoException).code : 'ok'}`));
    }),
  );
  t.same(await watch(socket, 300, events), ['second send ECONNREFUSED']);
});

t.test('an error event nobody listens to ends the process', async (t) => {
  const port = await closedPort();
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:dgram').createSocket('udp4');
       s.connect(${port}, '127.0.0.1', () => s.send('x'));
       setTimeout(() => { console.log('survived'); s.close(); }, 500);`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  t.not(code, 0);
  t.equal(out, '', 'it never got to its timer');
  t.match(err, /Unhandled 'error' event[\s\S]*ECONNREFUSED/);
});

t.test("the agent's try catches it: port unreachable on both families, silence, an answer", async (t) => {
  t.match(await udpTry('127.0.0.1', await closedPort(), Buffer.from('x'), 1000), {
    outcome: 'udp-port-unreachable',
    errorCode: 'ECONNREFUSED',
  });
  t.match(await udpTry('::1', await closedPort('udp6'), Buffer.from('x'), 1000), {
    outcome: 'udp-port-unreachable',
    errorCode: 'ECONNREFUSED',
  });
  const silent = createSocket('udp4');
  silent.bind(0, '127.0.0.1');
  await once(silent, 'listening');
  t.teardown(() => silent.close());
  t.match(await udpTry('127.0.0.1', silent.address().port, Buffer.from('x'), 200), {
    outcome: 'udp-silent',
    errorCode: 'DP_UDP_SILENT',
  });
});

t.test('a probe too busy to run its loop on time: an answer the kernel got in time is read, not silence', async (t) => {
  // A listener in a process of its own (this one is about to be held) that answers 20 ms after each datagram.
  const server = spawn(process.execPath, [
    '-e',
    `const s = require('node:dgram').createSocket('udp4');
     s.on('message', (m, peer) => setTimeout(() => s.send('late', peer.port, peer.address), 20));
     s.bind(0, '127.0.0.1', () => console.log(s.address().port));`,
  ]);
  t.teardown(() => server.kill());
  const port = Number(
    await new Promise<string>((resolve) => server.stdout.once('data', (d: Buffer) => resolve(d.toString()))),
  );
  // Once the try's send has called back (its 50 ms wait has begun), the loop is held for a second: the answer comes
  // at 20 ms, the wait ends at 50, and when the loop comes round both are due. An ICMP error is read by the same
  // receive (the error event's syscall is recvmsg), so it is read in time the same way; loopback sends it at once,
  // before the loop is held, and this machine has no netem to delay it.
  const send = Socket.prototype.send;
  Socket.prototype.send = function (this: Socket, ...args: unknown[]) {
    const callback = args.pop() as (...r: unknown[]) => void;
    return (send as (...a: unknown[]) => void).call(this, ...args, (...r: unknown[]) => {
      callback(...r);
      setImmediate(() => block(1000));
    });
  } as typeof send;
  try {
    t.match(await udpTry('127.0.0.1', port, Buffer.from('x'), 50), { outcome: 'udp-answer' });
  } finally {
    Socket.prototype.send = send;
  }
});
