import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { classifyError } from '../classify-error.js';
import type { Outcome } from '../protocol.js';

/** How one HTTP exchange ended. */
export interface HttpResult {
  outcome: Outcome;
  status?: number;
  errorCode?: string;
  detail?: string;
}

/**
 * Sends GET to `url` at an address already resolved, keeping the original Host header (and TLS server name), so the
 * probe controls which address is tried and no second, uncontrolled DNS lookup happens.
 */
export async function httpGet(url: URL, address: string, timeoutMs: number): Promise<HttpResult> {
  const servername = isIP(url.hostname) ? undefined : url.hostname;
  const dispatcher = new Agent({
    connect: { timeout: timeoutMs, rejectUnauthorized: false, ...(servername ? { servername } : {}) },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connections: 1,
    pipelining: 0,
  });
  const target = new URL(url);
  target.hostname = isIP(address) === 6 ? `[${address}]` : address;
  try {
    const response = await request(target, {
      method: 'GET',
      dispatcher,
      headers: { host: url.host, 'user-agent': 'dockprobe' },
      signal: AbortSignal.timeout(timeoutMs * 2),
    });
    await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    return { outcome: 'http', status: response.statusCode };
  } catch (error) {
    if ((error as { name?: string }).name === 'TimeoutError' || (error as { name?: string }).name === 'AbortError') {
      return { outcome: 'timeout', errorCode: 'DP_HTTP_TIMEOUT', detail: `no HTTP exchange within ${timeoutMs * 2} ms` };
    }
    return classifyError(error);
  } finally {
    void dispatcher.destroy().catch(() => undefined);
  }
}
