import { isIP } from 'node:net';
import type { ApiServer, TraefikApi } from './traefik.js';

/** The most of each API answer kept: a few hundred bytes per service, so thousands of services. */
export const API_BODY_BYTES = 512 * 1024;

/**
 * The URLs of Traefik's API answers that list services and their servers, asked from inside the proxy. The API pages
 * its lists (100 per page by default, pkg/api/criterion.go); one page large enough holds them all.
 */
export function apiUrls(api: TraefikApi): { http: string; tcp: string } {
  const host = isIP(api.host) === 6 ? `[${api.host}]` : api.host;
  const base = `http://${host}:${api.port}${api.basePath}/api`;
  return { http: `${base}/http/services?per_page=100000`, tcp: `${base}/tcp/services?per_page=100000` };
}

/**
 * The servers one API answer lists: `/api/http/services` gives each load-balanced service's servers as URLs (and their
 * health in serverStatus), `/api/tcp/services` as addresses. Services without servers of their own (weighted,
 * mirroring, Traefik's internal ones) list none. An answer that is not such a list is an error, said as such.
 */
export function parseApiServices(kind: 'http' | 'tcp', body: string): ApiServer[] | { error: string } {
  let list: unknown;
  try {
    list = JSON.parse(body);
  } catch {
    return { error: `its /api/${kind}/services answer is not JSON` };
  }
  if (!Array.isArray(list)) return { error: `its /api/${kind}/services answer is not a list of services` };
  const servers: ApiServer[] = [];
  for (const entry of list) {
    const service = (entry ?? {}) as {
      name?: unknown;
      loadBalancer?: { servers?: unknown };
      serverStatus?: Record<string, unknown>;
    };
    const name = typeof service.name === 'string' ? service.name : '';
    const listed = Array.isArray(service.loadBalancer?.servers) ? service.loadBalancer.servers : [];
    for (const s of listed as { url?: unknown; address?: unknown }[]) {
      const server = kind === 'http' ? s?.url : s?.address;
      if (typeof server !== 'string') continue;
      const at = hostPort(kind, server);
      if (!at) continue;
      const status = service.serverStatus?.[server];
      servers.push({ service: name, kind, server, ...at, status: typeof status === 'string' ? status : undefined });
    }
  }
  return servers;
}

// `http://10.0.1.5:3001` (the scheme's port when none), or `10.0.1.5:6379` / `[fd00::5]:6379`.
function hostPort(kind: 'http' | 'tcp', server: string): { host: string; port: number } | undefined {
  if (kind === 'http') {
    try {
      const url = new URL(server);
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
    } catch {
      return undefined;
    }
  }
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(server);
  return match ? { host: match[1] ?? match[2]!, port: Number(match[3]) } : undefined;
}
