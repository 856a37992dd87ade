import { isIP } from 'node:net';

/**
 * The wire contract between the orchestrator and the probe agent, shared by both sides (never copied).
 * The orchestrator sends one {@link ProbePlan}; the agent answers with JSON lines, one {@link AgentLine} each.
 */

/** Plan format version; the agent refuses a plan of another version instead of guessing. */
export const PLAN_VERSION = 7;

/** What every check has. */
interface CheckBase {
  /** Unique within the plan; observations carry it back. */
  id: string;
  /** Limit for each step of this check (DNS query, connect, HTTP exchange); the plan's when absent. */
  timeoutMs?: number;
  /**
   * Further tries while the target is not reached. Only checks expected reachable get any: a check expected blocked
   * is never retried into a pass.
   */
  retries?: number;
  /**
   * For a name: which records to ask for, A (4) or AAAA (6); 4 when absent. Docker did not isolate IPv6 between
   * networks before engine 27, so a target blocked over IPv4 can still answer at its IPv6 address.
   */
  family?: 4 | 6;
}

/** Resolve a name through the probe's DNS server. */
export interface DnsCheck extends CheckBase {
  kind: 'dns';
  name: string;
  /** CIDRs an answer must fall in to count as resolved on the target's networks; empty: any answer counts. */
  subnets: string[];
}

/** Open a TCP connection to host:port (host is a name, resolved like a {@link DnsCheck}, or an IP address). */
export interface TcpCheck extends CheckBase {
  kind: 'tcp';
  host: string;
  port: number;
  /** For a name: CIDRs its answer must fall in; outside them the agent never connects (see `resolved-elsewhere`). */
  subnets: string[];
}

/** Send `GET url` and report the status; the host part is resolved like a {@link TcpCheck}. */
export interface HttpCheck extends CheckBase {
  kind: 'http';
  url: string;
  subnets: string[];
  /**
   * Read the answer's body until this many bytes arrived (or it ends, or stalls for the check's timeout), and report
   * how many did: a large answer across an overlay is what an MTU black hole loses while small ones pass.
   */
  minBytes?: number;
  /**
   * Keep the answer's body, up to this many bytes, in the observation (`body`): what a service says about itself,
   * such as Traefik's API from inside the proxy. A longer body is cut there and `bodyTruncated` says so.
   */
  keepBody?: number;
}

/**
 * Send one datagram to host:port (host resolved like a {@link TcpCheck}) from a fresh socket on each try, and wait
 * `timeoutMs` for an answer or an ICMP error. A try that stays silent is tried again, up to `tries` in all, each
 * datagram at least `spacingMs` after the one before: Linux sends ICMP errors to one destination in a burst of about
 * six, then about one a second, so a port that answered an earlier datagram with nothing may answer a later one.
 */
export interface UdpCheck extends CheckBase {
  kind: 'udp';
  host: string;
  port: number;
  subnets: string[];
  /**
   * Send a DNS query (type A, recursion desired) for this name, `.` for the root: only an answer that parses as the
   * DNS answer to it counts without `DP_NOT_DNS`. Port 53 without `payload` asks for `.` when this is absent.
   */
  dnsName?: string;
  /** The datagram, base64, at most {@link MAX_UDP_PAYLOAD_BYTES}; {@link DEFAULT_UDP_PAYLOAD} when absent. */
  payload?: string;
  /** Tries in all while silent, each from a fresh socket; {@link DEFAULT_UDP_TRIES} when absent. */
  tries?: number;
  /**
   * The least time from one datagram to the next, within a run and across `retries` runs; {@link UDP_SPACING_MS}
   * when absent.
   */
  spacingMs?: number;
}

/** Tries of a {@link UdpCheck} unless it says: one more after a silent one, so silence is never one datagram's. */
export const DEFAULT_UDP_TRIES = 2;
/**
 * Time between two tries of a {@link UdpCheck} unless it says: past the second after the first, the per-destination
 * ICMP rate limit (net.ipv4.icmp_ratelimit, 1000 ms by default) has let one more error through.
 */
export const UDP_SPACING_MS = 1000;
/** What a {@link UdpCheck} to a port other than 53 sends unless it says. */
export const DEFAULT_UDP_PAYLOAD = 'dockprobe\n';
/** The largest datagram a {@link UdpCheck} sends: one packet on any path (no fragments, which firewalls may drop). */
export const MAX_UDP_PAYLOAD_BYTES = 1024;

/** One thing the probe tries. */
export type Check = DnsCheck | TcpCheck | HttpCheck | UdpCheck;

/** The host a check names: a DNS check's name, a tcp or udp check's host, a URL's host (IPv6 without brackets). */
export function checkHost(check: Check): string {
  switch (check.kind) {
    case 'dns':
      return check.name;
    case 'tcp':
    case 'udp':
      return check.host;
    case 'http':
      return new URL(check.url).hostname.replace(/^\[|\]$/g, '');
  }
}

/** {@link ProbePlan.dnsServer} for "the nameserver the engine wrote into the probe's /etc/resolv.conf". */
export const RESOLV_CONF_DNS = 'resolv.conf';

/**
 * Where a network probe's embedded DNS forwards a name it holds no record of: the probe's own loopback (its upstream,
 * ISOLATED_DNS_UPSTREAM in src/run/probe.ts), where the agent answers (dns-stub.ts) when {@link DNS_STUB_ENV} is `1`.
 */
export const DNS_STUB_ADDRESS = '127.0.0.1';
/** The variable that tells the agent to answer at {@link DNS_STUB_ADDRESS}: only where that is its upstream. */
export const DNS_STUB_ENV = 'DOCKPROBE_DNS_STUB';

/** Everything one probe does in one run. */
export interface ProbePlan {
  version: typeof PLAN_VERSION;
  /**
   * The DNS server every name goes to: an address (Docker's embedded DNS is 127.0.0.11), or {@link RESOLV_CONF_DNS}
   * for the first nameserver of the probe's own /etc/resolv.conf (Podman's aardvark-dns at the network's gateway).
   */
  dnsServer: string;
  /** Default limit for each DNS query, each connect and each HTTP exchange, in milliseconds. */
  timeoutMs: number;
  /** The agent exits by itself this long after it starts, whatever is still pending. */
  deadlineMs: number;
  /**
   * Checks in flight at once (sockets and DNS queries). Unbounded, a few hundred lookups at once lost answers in the
   * embedded DNS, and a name that does resolve was once taken for blocked. A udp check keeps its place through all its
   * tries and the spacing between them (one socket at a time), as checkDeadlineMs counts it.
   */
  concurrency: number;
  /**
   * Checks of the connect lane (tcp checks by address: no lookup, a socket each) in flight at once, beside the
   * `concurrency` of all others. Absent: one lane for every check, `concurrency` in all.
   */
  connectConcurrency?: number;
  /**
   * DNS queries in flight at once, at most `concurrency`: this probe's share of the lookups the run allows in flight
   * across all its probes, which share the engine's DNS. Absent: `concurrency`.
   */
  lookupConcurrency?: number;
  /**
   * The controls: checks the agent runs again while the others run and once more at the end, reporting each run as
   * `<id>@<n>` (n from 2), so the judge knows they held under the same load as the checks, not only before it.
   */
  controls: string[];
  /**
   * Checks (DNS ones) the agent repeats, reporting nothing, until each resolves or `timeoutMs` passes, before it runs
   * anything else. A swarm job is often the first task of an overlay on its node: the node's embedded DNS learns the
   * other nodes' records from the network's gossip a few seconds after the network appears there, and a check by name
   * before that gets SERVFAIL for a name that does resolve (seen on the three-node test cluster).
   */
  settle?: { checkIds: string[]; timeoutMs: number };
  checks: Check[];
}

/** Checks in flight at once unless the plan says otherwise (`--concurrency`). */
export const DEFAULT_CONCURRENCY = 32;
/**
 * Connects by address in flight per probe unless the plan says otherwise (`--connect-concurrency`): a 20×5 grid's 95
 * foreign addresses and the controls in one wave. 512 starved 20 probes' event loops on 2 cores with 400 each (20×20):
 * lookups noticed late, half the cells inconclusive.
 */
export const DEFAULT_CONNECT_CONCURRENCY = 128;
/**
 * Lookups in flight across a run's probes unless it says otherwise (`--lookup-concurrency`): about what 20 probes of
 * 32 checks, half of them by name, put on the engine's DNS at once when every check shared one bound. Twice that
 * once made Engine 20.10's embedded DNS leave names that exist unanswered.
 */
export const DEFAULT_LOOKUP_CONCURRENCY = 320;

/** How many checks of each kind a probe has in flight at once. */
export interface CheckBudget {
  /** Checks of the general lane (lookups, HTTP, UDP, tcp by name). */
  concurrency: number;
  /** Checks of the connect lane (tcp by address); absent: one lane for all, `concurrency` in all. */
  connectConcurrency?: number | undefined;
  /** DNS queries in flight, at most `concurrency`; absent: `concurrency`. */
  lookupConcurrency?: number | undefined;
}

/**
 * This probe's share of the run's lookups in flight (`lookupConcurrency` across the run) among `probes` probes that
 * share the engine's DNS: at least one, at most `concurrency`.
 */
export function lookupShare(lookupConcurrency: number, probes: number, concurrency: number): number {
  return Math.max(1, Math.min(concurrency, Math.floor(lookupConcurrency / Math.max(1, probes))));
}

/** The connect lane: a tcp check by address, which costs a socket and no lookup. */
export function isConnectLane(check: Check): boolean {
  return check.kind === 'tcp' && isIP(check.host) !== 0;
}

/** How many times each control runs after its first run: spread over the checks, the last one after them all. */
export const CONTROL_REPEATS = 3;

/**
 * The most controls a probe has besides a kind's own (the udp kind's UDP control, counted by probeDeadlineMs's
 * `kindControls`): its DNS control, two peers over IPv4 and two over IPv6.
 */
export const MAX_CONTROLS = 5;

/** The id of the n-th run of a control (n = 1 is its first run, reported under its own id). */
export function controlRunId(id: string, n: number): string {
  return n === 1 ? id : `${id}@${n}`;
}

/**
 * What happened, precisely. DNS outcomes appear on tcp/http checks too, when the name did not resolve.
 * - `resolved`: the name has an answer inside the expected subnets.
 * - `resolved-elsewhere`: the only answers lie outside them (forwarded upstream); the agent did not connect.
 * - `nxdomain`: the DNS server said the name does not exist (or has no record of the family asked for).
 * - `dns-timeout`: the DNS server did not answer within the timeout.
 * - `dns-error`: the DNS server answered with an error (SERVFAIL, REFUSED).
 * - `open`: the TCP handshake completed. `http`: an HTTP response came back (see `status`).
 * - `refused`: the host answered with RST: the network path is open, nothing listens.
 * - `reset`: the connection was accepted then reset.
 * - `timeout`: no answer at all within the timeout: dropped.
 * - `unreachable`: the kernel or a router said there is no route (EHOSTUNREACH, ENETUNREACH); on udp also an ICMP
 *   "administratively prohibited" (EHOSTUNREACH over IPv4, EACCES over IPv6).
 * - `udp-answer`: a datagram came back from the target's address and port (see `bytes`; `DP_NOT_DNS` when a DNS query
 *   got an answer that is not DNS).
 * - `udp-port-unreachable`: an ICMP port unreachable came back (ECONNREFUSED): the host was reached, the port is
 *   closed, as a TCP `refused`.
 * - `udp-silent`: nothing came back on any try: never blocked by itself (a listener that never answers is silent too).
 * - `error`: anything else; never counted as blocked.
 */
export type Outcome =
  | 'resolved'
  | 'resolved-elsewhere'
  | 'nxdomain'
  | 'dns-timeout'
  | 'dns-error'
  | 'open'
  | 'http'
  | 'refused'
  | 'reset'
  | 'timeout'
  | 'unreachable'
  | 'udp-answer'
  | 'udp-port-unreachable'
  | 'udp-silent'
  | 'error';

/**
 * The codes an observation may carry behind its outcome: the agent's own (`DP_…`), and the socket, undici, HTTP
 * parser and c-ares codes it classifies. A closed list, so the orchestrator can refuse a line carrying anything else;
 * an error with a code outside it is `UNKNOWN`, its own code kept in the detail. Their meanings are in
 * src/run/agent-error-meanings.ts and docs/codes.md.
 */
export const AGENT_ERROR_CODES = [
  'DP_CONNECT_TIMEOUT',
  'DP_DNS_TIMEOUT',
  'DP_HTTP_TIMEOUT',
  'DP_BODY_STALLED',
  'DP_BODY_SHORT',
  'DP_NOT_HTTP',
  'DP_PROBE_BUSY',
  'DP_DNS_OVERLOADED',
  'DP_DNS_FORWARDED',
  'DP_UDP_SILENT',
  'DP_NOT_DNS',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'EACCES',
  'EPERM',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'HPE_INVALID_CONSTANT',
  'HPE_INVALID_STATUS',
  'ENOTFOUND',
  'ENODATA',
  'ETIMEOUT',
  'EAI_AGAIN',
  'ESERVFAIL',
  'EREFUSED',
  'EFORMERR',
  'EBADRESP',
  'ENOTIMP',
  'EBADNAME',
  'UNKNOWN',
] as const;

/** One of {@link AGENT_ERROR_CODES}. */
export type AgentErrorCode = (typeof AGENT_ERROR_CODES)[number];

const agentErrorCodes: ReadonlySet<string> = new Set(AGENT_ERROR_CODES);

/** Whether `code` is one of {@link AGENT_ERROR_CODES}. */
export function isAgentErrorCode(code: unknown): code is AgentErrorCode {
  return typeof code === 'string' && agentErrorCodes.has(code);
}

/** The result of one check: a blocked connection is data shaped like an open one, never an exception. */
export interface Observation {
  id: string;
  kind: Check['kind'];
  outcome: Outcome;
  /** What was asked for: the name, host:port or URL. */
  target: string;
  /** Every address the name resolved to. */
  addresses?: string[];
  /** The address actually tried, for tcp/http/udp. */
  address?: string;
  port?: number;
  /** HTTP status, for `http`. */
  status?: number;
  /**
   * For an `http` check with `minBytes`: the body bytes that arrived (counted up to `minBytes`). For `udp-answer`: the
   * answer's size (its first bytes, escaped, in the detail).
   */
  bytes?: number;
  /** For an `http` check with `keepBody`: the body as text (UTF-8), and whether it was cut at `keepBody` bytes. */
  body?: string;
  bodyTruncated?: boolean;
  /** Time from the start of the check to its outcome, in milliseconds (DNS included). */
  latencyMs: number;
  /** The error code behind a non-success outcome (ECONNREFUSED, ETIMEOUT, UND_ERR_CONNECT_TIMEOUT …). */
  errorCode?: AgentErrorCode;
  /** A short human detail. */
  detail?: string;
  /** How many tries it took (more than 1 only with retries, or a udp check's tries after silence). */
  tries?: number;
}

/** The probe's default route, read from /proc/net/route: no default route means no egress. */
export interface DefaultRoute {
  iface: string;
  gateway: string;
}

/**
 * How the agent exits after a `fatal` line, so the orchestrator tells why it stopped without reading its prose: it
 * refused its plan (another plan version: orchestrator and probe image differ), or its own deadline came first.
 */
export const AGENT_EXIT = { PLAN_REFUSED: 2, DEADLINE: 4 } as const;

/** What the agent prints, one JSON object per line. */
export type AgentLine =
  | { type: 'hello'; agent: string; node: string; interfaces: string[]; defaultRoute: DefaultRoute | null }
  | { type: 'observation'; observation: Observation }
  | { type: 'done'; elapsedMs: number; interfaces: string[] }
  | { type: 'fatal'; message: string };

/**
 * How long past its own deadline the orchestrator waits for a probe (container create and start included) before
 * it kills it: the one default, for the runner and the command line.
 */
export const DEFAULT_PROBE_GRACE_MS = 15_000;

/**
 * The longest a probe may be planned to run. Timeouts of 1 ms to 10 min, retries and concurrency multiply (see
 * probeDeadlineMs), and node's timers overflow past 2^31-1 ms (24.8 days): the agent's own deadline timer, and the
 * runner's wait of deadline plus grace, would then fire at once, and every check would read as unfinished. Six hours
 * is far past any useful probe and far under that; a plan longer than it is refused before anything starts.
 */
export const MAX_PROBE_DEADLINE_MS = 6 * 60 * 60 * 1000;

/** Slack past a probe's slowest check before the agent gives up on whatever is still pending. */
export const DEADLINE_SLACK_MS = 1000;

/**
 * How long one check may take: each of its steps (DNS, connect, and for HTTP the exchange) up to its timeout, on every
 * try. A udp check: its name on each run, then every datagram of every run at least its wait or its spacing after the
 * one before, whichever is longer, then the last one's wait. What probeDeadlineMs counts, and what a refused plan names
 * as its slowest check.
 */
export function checkDeadlineMs(check: Check, defaultTimeoutMs: number): number {
  const timeoutMs = check.timeoutMs ?? defaultTimeoutMs;
  const runs = 1 + (check.retries ?? 0);
  if (check.kind !== 'udp') return timeoutMs * (check.kind === 'http' ? 3 : 2) * runs;
  const { tries, spacingMs } = udpTries(check);
  return runs * timeoutMs + (runs * tries - 1) * Math.max(timeoutMs, spacingMs) + timeoutMs;
}

/** A udp check's tries and spacing, defaults filled in and bounded: at least one try, no negative spacing. */
export function udpTries(check: UdpCheck): { tries: number; spacingMs: number } {
  const tries = Number.isInteger(check.tries) && check.tries! >= 1 ? check.tries! : DEFAULT_UDP_TRIES;
  const spacingMs = Number.isFinite(check.spacingMs) && check.spacingMs! >= 0 ? check.spacingMs! : UDP_SPACING_MS;
  return { tries, spacingMs };
}

/** Tokens the agent allows an address: the kernel's burst of six, less one. */
export const ICMP_BURST = 5;
/** How long the agent counts for a token to come back: the kernel's 1000 ms, and a tenth more. */
export const ICMP_REFILL_MS = 1100;

/**
 * The longest the budget can hold back `datagrams` sent to one address whose errors all came back, each waited for
 * `timeoutMs` at most: what probeDeadlineMs adds for the
 * address that gets the most (checks/icmp-error-budget.ts).
 */
export function icmpBudgetDelayMs(datagrams: number, timeoutMs: number): number {
  if (datagrams <= ICMP_BURST) return 0;
  return (datagrams - ICMP_BURST) * ICMP_REFILL_MS + (Math.ceil(datagrams / ICMP_BURST) - 1) * timeoutMs;
}

/**
 * How long a probe may run: its slowest check (checkDeadlineMs), plus slack, plus the longest the agent's ICMP error
 * budget can hold back the datagrams to any one address. The one rule the planner writes into the plan and the runner
 * waits by. `kindControlIds`: a kind's own controls (a udp control's datagrams are sent on each of its runs).
 */
export function probeDeadlineMs(
  checks: readonly Check[],
  defaultTimeoutMs: number,
  budget: number | CheckBudget = DEFAULT_CONCURRENCY,
  slackMs = DEADLINE_SLACK_MS,
  kindControlIds: readonly string[] = [],
): number {
  const b = typeof budget === 'number' ? { concurrency: budget } : budget;
  // With at most `bound` checks at once (the controls' repeats count too, a kind's own controls among them), list
  // scheduling ends within (n / bound + 1) times the slowest check; all at once, within the slowest. Two lanes run
  // side by side, each under its own bound, the controls counted in both; lookups are a bound inside the general lane.
  const controls = CONTROL_REPEATS * (MAX_CONTROLS + kindControlIds.length);
  const lane = (members: readonly Check[], bound: number) => {
    if (members.length === 0) return 0;
    const slowest = members.reduce((max, c) => Math.max(max, checkDeadlineMs(c, defaultTimeoutMs)), 0);
    const waves = Math.ceil((members.length + controls) / Math.max(1, bound));
    return slowest * (waves <= 1 ? 1 : waves + 1);
  };
  const general = Math.min(b.concurrency, b.lookupConcurrency ?? b.concurrency);
  const lanes =
    b.connectConcurrency === undefined
      ? lane(checks, general)
      : Math.max(
          lane(
            checks.filter((c) => !isConnectLane(c)),
            general,
          ),
          lane(checks.filter(isConnectLane), b.connectConcurrency),
        );
  return lanes + udpBudgetMs(checks, defaultTimeoutMs, kindControlIds) + slackMs;
}

/** The longest the ICMP error budget can hold back the datagrams to the address that gets the most. */
function udpBudgetMs(checks: readonly Check[], defaultTimeoutMs: number, controlIds: readonly string[]): number {
  const byHost = new Map<string, { datagrams: number; timeoutMs: number }>();
  const controls = new Set(controlIds);
  for (const check of checks) {
    if (check.kind !== 'udp') continue;
    const runs = (1 + (check.retries ?? 0)) * (controls.has(check.id) ? CONTROL_REPEATS + 1 : 1);
    const host = byHost.get(check.host) ?? { datagrams: 0, timeoutMs: 0 };
    host.datagrams += runs * udpTries(check).tries;
    host.timeoutMs = Math.max(host.timeoutMs, check.timeoutMs ?? defaultTimeoutMs);
    byHost.set(check.host, host);
  }
  return [...byHost.values()].reduce((max, h) => Math.max(max, icmpBudgetDelayMs(h.datagrams, h.timeoutMs)), 0);
}

/** Whether an outcome proves a network path to the target exists (the target or its host answered). */
export function isReached(outcome: Outcome): boolean {
  return (
    outcome === 'open' ||
    outcome === 'http' ||
    outcome === 'refused' ||
    outcome === 'reset' ||
    outcome === 'udp-answer' ||
    outcome === 'udp-port-unreachable'
  );
}
