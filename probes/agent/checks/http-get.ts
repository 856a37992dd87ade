import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { classifyError } from '../classify-error.js';
import { isAgentErrorCode, type AgentErrorCode, type Outcome } from '../protocol.js';

/** How one HTTP exchange ended. */
export interface HttpResult {
  outcome: Outcome;
  status?: number;
  /** Body bytes read, when the caller asked for a number of them. */
  bytes?: number;
  /** The body, when the caller asked to keep it, and whether it was cut. */
  body?: string;
  bodyTruncated?: boolean;
  errorCode?: AgentErrorCode;
  detail?: string;
}

/**
 * Sends GET to `url` at an address already resolved, keeping the original Host header (and TLS server name), so the
 * probe controls which address is tried and no second, uncontrolled DNS lookup happens.
 */
export async function httpGet(
  url: URL,
  address: string,
  timeoutMs: number,
  minBytes?: number,
  keepBody?: number,
): Promise<HttpResult> {
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
    if (keepBody !== undefined)
      return { outcome: 'http', status: response.statusCode, ...(await keptBody(response.body, keepBody)) };
    if (minBytes === undefined) {
      await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      return { outcome: 'http', status: response.statusCode };
    }
    return { outcome: 'http', status: response.statusCode, ...(await readBody(response.body, minBytes, timeoutMs)) };
  } catch (error) {
    if ((error as { name?: string }).name === 'TimeoutError' || (error as { name?: string }).name === 'AbortError') {
      return {
        outcome: 'timeout',
        errorCode: 'DP_HTTP_TIMEOUT',
        detail: `no HTTP exchange within ${timeoutMs * 2} ms`,
      };
    }
    return classifyError(error);
  } finally {
    void dispatcher.destroy().catch(() => undefined);
  }
}

/**
 * Counts body bytes until `minBytes` arrived or the body ends. The headers came, so the path carries small packets: a
 * body that then stops for `timeoutMs` (undici's body timeout) is lost on the way, and says how far it got.
 */
async function readBody(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  minBytes: number,
  timeoutMs: number,
): Promise<Pick<HttpResult, 'bytes' | 'errorCode' | 'detail'>> {
  let bytes = 0;
  try {
    for await (const chunk of body) {
      bytes += chunk.length;
      if (bytes >= minBytes) break;
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const stalled = code === 'UND_ERR_BODY_TIMEOUT' || (error as { name?: string }).name === 'TimeoutError';
    if (stalled)
      return {
        bytes,
        errorCode: 'DP_BODY_STALLED',
        detail: `the answer stopped after ${bytes} of ${minBytes} bytes (nothing more for ${timeoutMs} ms)`,
      };
    // Any other break (a reset mid-body): its own code when the list has it, else UNKNOWN with that code kept in the detail.
    const known = isAgentErrorCode(code) ? code : undefined;
    const why = known ?? (typeof code === 'string' ? `${code}: ${(error as Error).message}` : (error as Error).message);
    return {
      bytes,
      errorCode: known ?? 'UNKNOWN',
      detail: `the answer broke off after ${bytes} of ${minBytes} bytes: ${why}`,
    };
  } finally {
    body.destroy();
  }
  return bytes >= minBytes
    ? { bytes }
    : { bytes, errorCode: 'DP_BODY_SHORT', detail: `the answer ended after ${bytes} of ${minBytes} bytes` };
}

/**
 * The body as text, up to `limit` bytes: what arrived before it ended, stalled (undici's body timeout) or broke off.
 * A body that stops early is kept as far as it came, and the caller reads it as what it is (JSON that does not parse).
 */
async function keptBody(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  limit: number,
): Promise<Pick<HttpResult, 'body' | 'bodyTruncated' | 'errorCode' | 'detail'>> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        truncated = true;
        break;
      }
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      body: Buffer.concat(chunks).subarray(0, limit).toString('utf8'),
      bodyTruncated: true,
      errorCode: isAgentErrorCode(code) ? code : 'UNKNOWN',
      detail: `the answer broke off after ${size} bytes: ${(error as Error).message}`,
    };
  } finally {
    body.destroy();
  }
  return {
    body: Buffer.concat(chunks).subarray(0, limit).toString('utf8'),
    ...(truncated ? { bodyTruncated: true } : {}),
  };
}
