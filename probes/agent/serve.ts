import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server } from 'node:net';

/** What `serve` listens on. */
export interface ServeOptions {
  name: string;
  tcpPorts: number[];
  httpPorts: number[];
}

/**
 * Listens on the given ports so test topologies need no outside image: TCP ports accept and close; HTTP ports answer
 * 200 with a small JSON body, and `/status/NNN` answers NNN.
 */
export async function serve(options: ServeOptions, log: (line: string) => void): Promise<Server[]> {
  const servers: Server[] = [];
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

function listen<S extends Server>(server: S, port: number): Promise<S> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
