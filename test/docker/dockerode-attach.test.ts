import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { DockerodeEngine } from '../../src/docker/dockerode-engine.js';
import { useEngine } from '../fixtures/fake-engine-socket.js';

// The attach of a warm probe against an engine that, as Podman's compatible API does, passes on to the container's
// stdin every byte that follows the attach request's headers, its body included; the container here echoes its stdin
// back on stdout in the engine's multiplexed frames.

/** One stdout frame of the attach stream: stream 1, then the length, big-endian. */
function stdoutFrame(data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = 1;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

async function echoingEngine() {
  const dir = await mkdtemp(join(tmpdir(), 'dockprobe-fake-attach-'));
  const path = join(dir, 'docker.sock');
  const stdin: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"message":"page not found"}');
  });
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    sockets.add(socket);
    if (!/^\/(v[\d.]+\/)?containers\/[0-9a-f]+\/attach\?/.test(req.url ?? '')) return void socket.destroy();
    socket.write(
      'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n',
    );
    const read = (chunk: Buffer) => {
      if (chunk.length === 0) return;
      stdin.push(chunk);
      socket.write(stdoutFrame(chunk));
    };
    read(head);
    socket.on('data', read);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    endpoint: `unix://${path}`,
    stdin: () => Buffer.concat(stdin).toString(),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

t.test("the container's stdin reads only what was written to the attach, nothing of the request", async (t) => {
  const engine = await echoingEngine();
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  const attached = await new DockerodeEngine({ apiTimeoutMs: 5000 }).containers.attach('e'.repeat(64));
  t.teardown(() => attached.close());
  let stdout = '';
  const echoed = new Promise<void>((resolve) =>
    attached.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.endsWith('{"type":"renew"}\n')) resolve();
    }),
  );
  attached.write('{"type":"renew"}\n');
  await echoed;
  t.equal(engine.stdin(), '{"type":"renew"}\n', 'the first line the agent reads is the one written');
  t.equal(stdout, '{"type":"renew"}\n');
});
