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

/**
 * Maps an error on a udp check's socket to its outcome. Linux hands a connected UDP socket only the ICMP errors it
 * counts as hard (port unreachable, and the administratively prohibited ones), as the error of its next receive (node:
 * an 'error' event, syscall recvmsg); a host or network unreachable from a router never reaches it. What `send` or
 * `connect` fails with was decided where the probe runs, before anything left it.
 */
export function classifyUdpError(error: unknown): {
  outcome: Extract<Outcome, 'udp-port-unreachable' | 'unreachable' | 'error'>;
  errorCode: AgentErrorCode;
  detail: string;
} {
  const c = classifyError(error);
  const fromNetwork = (error as { syscall?: unknown } | null)?.syscall === 'recvmsg';
  switch (c.errorCode) {
    case 'ECONNREFUSED':
      return { ...c, outcome: 'udp-port-unreachable', detail: `ICMP port unreachable (${c.detail})` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return { ...c, outcome: 'unreachable', detail: fromNetwork ? `an ICMP error came back (${c.detail})` : c.detail };
    case 'EACCES':
      // ICMPv6 "administratively prohibited" arrives as EACCES; a send refused where the probe runs is EACCES too.
      return fromNetwork
        ? { ...c, outcome: 'unreachable', detail: `ICMPv6 administratively prohibited (${c.detail})` }
        : { ...c, outcome: 'error' };
    default:
      return { ...c, outcome: 'error' };
  }
}
