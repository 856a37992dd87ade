import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the endpoint serves, asked at each request. */
export interface WatchEndpoints {
  /** The metrics in the Prometheus text format, and its content type. */
  metrics(): Promise<{ text: string; contentType: string }>;
  /** Whether the watch is alive: its rounds keep coming (200), or not (503), and why. */
  health(): { ok: boolean; text: string };
  /** The latest report as a JSON document, or undefined before the first round. */
  report(): string | undefined;
}

/** The longest a request may take before its connection is dropped (a scrape is quick). */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The watch's HTTP endpoint: `/metrics`, `/healthz` and `/report`, GET (or HEAD) only, nothing else; on the address
 * given (an address with port 0 gets a free port). Returns where it listens and how to close it.
 */
export async function serveWatch(
  listen: { host: string; port: number },
  endpoints: WatchEndpoints,
): Promise<{ address: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const send = (status: number, contentType: string, body: string) => {
      response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return send(405, 'text/plain; charset=utf-8', 'only GET and HEAD\n');
    }
    switch (path) {
      case '/metrics':
        endpoints.metrics().then(
          ({ text, contentType }) => send(200, contentType, text),
          (error: unknown) => send(500, 'text/plain; charset=utf-8', `metrics: ${(error as Error).message}\n`),
        );
        return;
      case '/healthz': {
        const { ok, text } = endpoints.health();
        return send(ok ? 200 : 503, 'text/plain; charset=utf-8', `${text}\n`);
      }
      case '/report': {
        const report = endpoints.report();
        return report === undefined
          ? send(503, 'text/plain; charset=utf-8', 'no round has ended yet\n')
          : send(200, 'application/json', report);
      }
      default:
        return send(404, 'text/plain; charset=utf-8', 'not found: /metrics, /healthz and /report are served here\n');
    }
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  server.listen(listen.port, listen.host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => {
      throw error;
    }),
  ]);
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    address: `${host}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
