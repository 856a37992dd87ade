import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import t from 'tap';
import { type Observation, PLAN_VERSION } from '../../probes/agent/protocol.js';
import { runPlan } from '../../probes/agent/run-plan.js';

// The agent's share of the run's lookups: at most `lookupConcurrency` DNS queries in flight, while the checks
// themselves may be many more (`concurrency`). A DNS server on loopback holds every query until no new one has come
// for a moment, then answers all it holds: the most it held at once is the most the probe had in flight.

t.test('at most lookupConcurrency queries in flight, every name still answered', async (t) => {
  const socket = createSocket('udp4');
  let held: { q: Buffer; port: number; address: string; end: number }[] = [];
  let most = 0;
  let quiet: ReturnType<typeof setTimeout> | undefined;
  socket.on('message', (q, peer) => {
    let end = 12;
    while (q[end] !== 0) end += q[end]! + 1;
    held.push({ q, port: peer.port, address: peer.address, end });
    most = Math.max(most, held.length);
    clearTimeout(quiet);
    quiet = setTimeout(() => {
      for (const h of held) {
        const header = Buffer.from(h.q.subarray(0, 12));
        header.writeUInt16BE(0x8180, 2);
        header.writeUInt16BE(1, 6);
        const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
        socket.send(Buffer.concat([header, h.q.subarray(12, h.end + 5), answer]), h.port, h.address);
      }
      held = [];
    }, 50);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  t.teardown(() => socket.close());

  const names = Array.from({ length: 12 }, (_, i) => `name-${i}.test`);
  const seen: Observation[] = [];
  await runPlan(
    {
      version: PLAN_VERSION,
      dnsServer: `127.0.0.1:${socket.address().port}`,
      timeoutMs: 5000,
      deadlineMs: 60_000,
      concurrency: 32,
      lookupConcurrency: 3,
      controls: [],
      checks: names.map((name) => ({ id: name, kind: 'dns' as const, name, subnets: [] })),
    },
    (o) => seen.push(o),
  );
  t.ok(most <= 3, `${most} queries held at once`);
  t.equal(seen.filter((o) => o.outcome === 'resolved').length, 12, 'every name resolved');
});
