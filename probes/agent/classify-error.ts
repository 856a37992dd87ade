import { isAgentErrorCode, type AgentErrorCode, type Outcome } from './protocol.js';

/** Maps a socket, DNS or undici error to a precise outcome. Unknown errors stay `error`: never counted as blocked. */
export function classifyError(error: unknown): { outcome: Outcome; errorCode: AgentErrorCode; detail: string } {
  const raw = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  // Only a code of the closed list goes out (the orchestrator refuses any other); one outside it stays in the detail.
  const code = isAgentErrorCode(raw) ? raw : undefined;
  const detail = raw !== undefined && code === undefined && !message.includes(raw) ? `${raw}: ${message}` : message;
  // undici's parser error for bytes that are not HTTP (a redis or postgres port) often carries no code: the port
  // answered, so the path is open, whatever it spoke.
  if ((error as { name?: unknown })?.name === 'HTTPParserError' || raw?.startsWith('HPE_')) {
    return {
      outcome: 'open',
      errorCode: code ?? 'DP_NOT_HTTP',
      detail: `connected, but the answer is not HTTP: ${detail}`,
    };
  }
  switch (code) {
    case 'ECONNREFUSED':
      return { outcome: 'refused', errorCode: code, detail };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return { outcome: 'reset', errorCode: code, detail };
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'DP_CONNECT_TIMEOUT':
      return { outcome: 'timeout', errorCode: code, detail };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return { outcome: 'unreachable', errorCode: code, detail };
    // The TCP handshake completed but no HTTP answer came: the path is open.
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_STATUS':
      return { outcome: 'open', errorCode: code, detail: `connected, but no valid HTTP response: ${detail}` };
    // c-ares codes from dns.Resolver.
    case 'ENOTFOUND':
    case 'ENODATA':
      return { outcome: 'nxdomain', errorCode: code, detail };
    case 'ETIMEOUT':
    case 'EAI_AGAIN':
    case 'DP_DNS_TIMEOUT':
      return { outcome: 'dns-timeout', errorCode: code, detail };
    case 'ESERVFAIL':
    case 'EREFUSED':
    case 'EFORMERR':
    case 'EBADRESP':
      return { outcome: 'dns-error', errorCode: code, detail };
    default:
      return { outcome: 'error', errorCode: code ?? 'UNKNOWN', detail };
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined ? undefined : errorCode(cause);
}
