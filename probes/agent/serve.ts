import { createSocket, type Socket } from 'node:dgram';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server } from 'node:net';

/** The largest answer `/bytes/N` gives: enough for any MTU question, small enough for a 128 MiB container. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** What `serve` listens on. */
export interface ServeOptions {
  name: string;
  tcpPorts: number[];
  httpPorts: number[];
  /** UDP ports that answer each datagram with the name and a newline. */
  udpPorts?: number[];
  /** UDP ports that read every datagram and never answer, as a syslog or statsd listener. */
  udpSilentPorts?: number[];
}

/**
 * Listens on the given ports so test topologies need no outside image: TCP ports accept and close; HTTP ports answer
 * 200 with a small JSON body, `/status/NNN` answers NNN, and `/bytes/N` answers N bytes (at most 16 MiB): a large
 * answer for the checks that find MTU black holes. UDP ports answer each datagram, or none.
 */
export async function serve(options: ServeOptions, log: (line: string) => void): Promise<(Server | Socket)[]> {
  const servers: (Server | Socket)[] = [];
  for (const [ports, answers] of [
    [options.udpPorts ?? [], true],
    [options.udpSilentPorts ?? [], false],
  ] as const) {
    for (const port of ports) {
      const socket = await bindUdp(port);
      socket.on('message', (_datagram, peer) => {
        if (answers) socket.send(`${options.name}\n`, peer.port, peer.address);
      });
      socket.on('error', (error) => log(`udp ${port}: ${error.message}`));
      servers.push(socket);
      log(`udp ${port} ${answers ? 'answering' : 'silent'}`);
    }
  }
  for (const port of options.tcpPorts) {
    const server = createTcpServer((socket) => {
      socket.on('error', () => undefined);
      socket.end(`${options.name}\n`);
    });
    servers.push(await listen(server, port));
    log(`tcp ${port} listening`);
  }
  for (const port of options.httpPorts) {
    const server = createHttpServer((req, res) => {
      const bytes = /^\/bytes\/(\d{1,8})$/.exec(req.url ?? '');
      if (bytes && Number(bytes[1]) <= MAX_ANSWER_BYTES) {
        const size = Number(bytes[1]);
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
        // The status line in a small packet of its own, the body after it: across a path that loses full-size packets
        // the client then sees an answer begin and stall (an MTU black hole), not a server that never answered.
        res.flushHeaders();
        setImmediate(() => res.end(Buffer.alloc(size, 0x61)));
        return;
      }
      const match = /^\/status\/(\d{3})$/.exec(req.url ?? '');
      const status = match ? Number(match[1]) : 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ service: options.name, path: req.url, status }));
    });
    servers.push(await listen(server, port));
    log(`http ${port} listening`);
  }
  return servers;
}

/** A UDP socket on `port` of every address, both families where the host has IPv6, IPv4 alone where it has not. */
async function bindUdp(port: number): Promise<Socket> {
  const bind = (type: 'udp4' | 'udp6') =>
    new Promise<Socket>((resolve, reject) => {
      const socket = createSocket(type);
      socket.once('error', reject);
      socket.bind(port, () => {
        socket.off('error', reject);
        resolve(socket);
      });
    });
  try {
    return await bind('udp6');
  } catch {
    return bind('udp4');
  }
}

function listen<S extends Server>(server: S, port: number): Promise<S> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
