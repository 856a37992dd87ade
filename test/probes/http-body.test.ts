import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { httpGet } from '../../probes/agent/checks/http-get.js';
import { serve } from '../../probes/agent/serve.js';

// A large answer, counted: whole, ended short by the server, or stalled after its first bytes (what an MTU black hole
// does to it). On loopback, with servers this test starts.

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

t.test('serve answers /bytes/N with N bytes, and httpGet counts them up to minBytes', async (t) => {
  const [server] = await serve({ name: 'web', tcpPorts: [], httpPorts: [0] }, () => undefined);
  t.teardown(() => void server!.close());
  const port = (server!.address() as AddressInfo).port;
  const url = new URL(`http://web:${port}/bytes/300000`);
  t.same(await httpGet(url, '127.0.0.1', 2000, 300000), { outcome: 'http', status: 200, bytes: 300000 });
  t.same(
    await httpGet(new URL(`http://web:${port}/`), '127.0.0.1', 2000),
    { outcome: 'http', status: 200 },
    'no minBytes: no count',
  );
  t.match(
    await httpGet(new URL(`http://web:${port}/bytes/99999999`), '127.0.0.1', 2000),
    { outcome: 'http', status: 200 },
    'over 16 MiB: the small JSON answer, no giant buffer',
  );
});

t.test('a body that stalls after its first bytes: DP_BODY_STALLED, with how far it got', async (t) => {
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': '102400' });
    res.write(Buffer.alloc(13480, 0x61));
    // …and nothing more: the rest is lost on the way.
  });
  server.on('connection', (s) => sockets.add(s));
  const port = await listen(server);
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const result = await httpGet(new URL(`http://api:${port}/bytes/102400`), '127.0.0.1', 500, 102400);
  t.same(result, {
    outcome: 'http',
    status: 200,
    bytes: 13480,
    errorCode: 'DP_BODY_STALLED',
    detail: 'the answer stopped after 13480 of 102400 bytes (nothing more for 500 ms)',
  });
});

t.test('a body the server ends short: DP_BODY_SHORT', async (t) => {
  const server = createServer((_req, res) => res.end('tiny'));
  const port = await listen(server);
  t.teardown(() => void server.close());
  t.same(await httpGet(new URL(`http://api:${port}/`), '127.0.0.1', 1000, 100), {
    outcome: 'http',
    status: 200,
    bytes: 4,
    errorCode: 'DP_BODY_SHORT',
    detail: 'the answer ended after 4 of 100 bytes',
  });
});

t.test('keepBody: the answer kept as text up to the limit, and a longer one cut and said so', async (t) => {
  const answer = JSON.stringify([{ name: 'api@swarm', loadBalancer: { servers: [{ url: 'http://10.0.1.5:3001' }] } }]);
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(req.url === '/big' ? 'x'.repeat(5000) : answer);
  });
  const port = await listen(server);
  t.teardown(() => void server.close());
  t.same(await httpGet(new URL(`http://127.0.0.1:${port}/api/http/services`), '127.0.0.1', 1000, undefined, 4096), {
    outcome: 'http',
    status: 200,
    body: answer,
  });
  const cut = await httpGet(new URL(`http://127.0.0.1:${port}/big`), '127.0.0.1', 1000, undefined, 1000);
  t.same([cut.body?.length, cut.bodyTruncated], [1000, true]);
});
