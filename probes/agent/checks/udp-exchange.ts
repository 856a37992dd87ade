import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { classifyError } from '../classify-error.js';
import {
  DEFAULT_UDP_PAYLOAD,
  MAX_UDP_PAYLOAD_BYTES,
  udpTries,
  type AgentErrorCode,
  type Outcome,
  type UdpCheck,
} from '../protocol.js';
import { encodeDnsQuery, parseDnsAnswer, type DnsQuery } from './dns-message.js';
import { icmpErrorBudget, type IcmpErrorBudget } from './icmp-error-budget.js';
import { udpTry } from './udp-try.js';

/** How a udp check ended, over all its tries. */
export interface UdpResult {
  outcome: Outcome;
  /** Datagrams sent. */
  tries: number;
  /** The answer's size, for `udp-answer`. */
  bytes?: number;
  errorCode?: AgentErrorCode;
  detail?: string;
}

/** The port whose checks send a DNS query unless they carry a payload. */
const DNS_PORT = 53;
/** How many bytes of an answer the detail shows. */
const PREVIEW_BYTES = 32;

/**
 * Runs `check` against `address`: one datagram per try, each from a fresh socket, a silent try tried again at least
 * `spacingMs` after it was sent, until something comes back or the tries run out. Each datagram leaves when `budget`
 * has room for the ICMP error it may draw from the address. Never throws.
 */
export async function udpExchange(
  address: string,
  check: UdpCheck,
  timeoutMs: number,
  budget: IcmpErrorBudget = icmpErrorBudget,
): Promise<UdpResult> {
  const { tries, spacingMs } = udpTries(check);
  for (let n = 1; ; n++) {
    const began = performance.now();
    let datagram: { bytes: Buffer; dns?: DnsQuery };
    try {
      // A query of its own for each try, under a new id: a late answer to an earlier one is not this one's.
      datagram = datagramOf(check);
    } catch (error) {
      const c = classifyError(error);
      return { outcome: 'error', tries: n - 1, errorCode: c.errorCode, detail: c.detail };
    }
    const lease = await budget.acquire(address);
    const result = await udpTry(address, check.port, datagram.bytes, timeoutMs);
    lease.release(result.outcome === 'udp-port-unreachable' || result.outcome === 'unreachable');
    const waited = `${Math.round((performance.now() - (result.sentAt ?? began)) * 10) / 10} ms`;
    if (result.outcome === 'udp-answer' && result.answer) {
      return {
        outcome: 'udp-answer',
        tries: n,
        bytes: result.answer.length,
        ...judgeAnswer(result.answer, datagram.dns, waited),
      };
    }
    if (result.outcome !== 'udp-silent') {
      const { sentAt: _, ...ended } = result;
      return { ...ended, tries: n };
    }
    if (n >= tries) {
      return {
        outcome: 'udp-silent',
        tries: n,
        errorCode: 'DP_UDP_SILENT',
        detail:
          n === 1
            ? `no answer and no ICMP error within ${timeoutMs} ms`
            : `no answer and no ICMP error to any of ${n} datagrams, each sent at least ${Math.max(spacingMs, timeoutMs)} ms after the one before and waited for ${timeoutMs} ms`,
      };
    }
    // From when the datagram had left, so the next one leaves at least `spacingMs` after it, not after the socket began.
    const pause = (result.sentAt ?? began) + spacingMs - performance.now();
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** What the check sends: a DNS query (for `dnsName`, or to port 53 without a payload), else its payload. */
function datagramOf(check: UdpCheck): { bytes: Buffer; dns?: DnsQuery } {
  if (check.dnsName !== undefined || (check.port === DNS_PORT && check.payload === undefined)) {
    const dns = encodeDnsQuery(randomInt(0, 0x10000), check.dnsName ?? '.');
    return { bytes: dns.bytes, dns };
  }
  const bytes = check.payload === undefined ? Buffer.from(DEFAULT_UDP_PAYLOAD) : Buffer.from(check.payload, 'base64');
  if (bytes.length > MAX_UDP_PAYLOAD_BYTES)
    throw new Error(`a payload of ${bytes.length} bytes is over the ${MAX_UDP_PAYLOAD_BYTES} a udp check sends`);
  return { bytes };
}

/** Any answer from the port proves the path; a DNS query's answer says whether it is DNS, and which. */
function judgeAnswer(
  answer: Buffer,
  query: DnsQuery | undefined,
  waited: string,
): Pick<UdpResult, 'errorCode' | 'detail'> {
  const seen = `${answer.length} bytes after ${waited}: ${preview(answer)}`;
  if (!query) return { detail: `an answer of ${seen}` };
  const dns = parseDnsAnswer(answer, query);
  if ('not' in dns) return { errorCode: 'DP_NOT_DNS', detail: `an answer that is not DNS (${dns.not}), ${seen}` };
  return { detail: `a DNS answer (${dns.rcodeName}, ${dns.answers} records) of ${seen}` };
}

/** The first bytes of an answer, printable ASCII as it is and the rest as \xNN, in quotes. */
function preview(bytes: Buffer): string {
  const shown = [...bytes.subarray(0, PREVIEW_BYTES)]
    .map((b) =>
      b >= 0x20 && b < 0x7f && b !== 0x5c && b !== 0x22
        ? String.fromCharCode(b)
        : `\\x${b.toString(16).padStart(2, '0')}`,
    )
    .join('');
  return `"${shown}"${bytes.length > PREVIEW_BYTES ? '…' : ''}`;
}
