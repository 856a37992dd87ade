import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { inAnyCidr } from '../cidr.js';
import { classifyError } from '../classify-error.js';
import { withTimeout } from '../with-timeout.js';
import { BUSY_LATE_MS } from './late-timeout.js';
import type { AgentErrorCode, Outcome } from '../protocol.js';

/** How long after its nominal timeout c-ares may still call back: the lookup's guard, and what lateness counts past. */
const CARES_SLACK_MS = 250;

/** The result of resolving one name: the usable address, or why there is none. */
export interface NameResolution {
  outcome: Outcome;
  addresses: string[];
  /** The first answer inside the expected subnets; set only when `outcome` is `resolved`. */
  address?: string;
  errorCode?: AgentErrorCode;
  detail?: string;
}

/**
 * Resolves names through one DNS server with our own short timeout and a single try: the system resolver on an
 * internal network stalls about 10 s per unknown name (EAI_AGAIN), which would swamp every deadline.
 */
export class NameResolver {
  readonly #resolver: Resolver;
  readonly #timeoutMs: number;

  constructor(server: string, timeoutMs: number) {
    this.#resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
    this.#resolver.setServers([server]);
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Resolves `name` to addresses of one family (A records for 4, AAAA for 6; an IP literal resolves to itself) and
   * keeps only answers inside `subnets`.
   */
  async resolve(name: string, subnets: readonly string[], family: 4 | 6 = 4): Promise<NameResolution> {
    if (isIP(name)) return { outcome: 'resolved', addresses: [name], address: name };
    let asked = await this.#ask(name, family);
    // c-ares times a query out from its own timer, without reading its socket first: in a probe too busy to run its
    // event loop on time, an answer that came can be lost to it. A timeout noticed that late is asked once more; only
    // a timeout noticed on time is one, and two late ones are no "not found" either.
    if ('late' in asked) asked = await this.#ask(name, family);
    if ('late' in asked) {
      return {
        outcome: 'error',
        addresses: [],
        errorCode: 'DP_PROBE_BUSY',
        detail: `the probe was too busy to time the lookup of ${name}: its ${this.#timeoutMs} ms timeout was noticed ${asked.late} ms late twice (past the ${CARES_SLACK_MS} ms c-ares may take), and an answer may have been waiting`,
      };
    }
    if ('failed' in asked) return asked.failed;
    const { addresses } = asked;
    const inside = addresses.find((a) => inAnyCidr(a, subnets));
    if (inside === undefined) {
      return {
        outcome: 'resolved-elsewhere',
        addresses,
        detail: `answer ${addresses.join(', ')} lies outside ${subnets.join(', ')}: forwarded upstream, not resolved on the target's networks`,
      };
    }
    return { outcome: 'resolved', addresses, address: inside };
  }

  /** One lookup: the addresses, or the resolution it failed with, or how late its timeout was noticed. */
  async #ask(
    name: string,
    family: 4 | 6,
  ): Promise<{ addresses: string[] } | { failed: NameResolution } | { late: number }> {
    const started = performance.now();
    // c-ares has its own timeout, which it may notice a little after `timeoutMs`; this guards against it never
    // calling back. A timeout is late only past this guard: on a loop on time, one of the two fires by then.
    const limit = this.#timeoutMs + CARES_SLACK_MS;
    try {
      return {
        addresses: await withTimeout(
          family === 6 ? this.#resolver.resolve6(name) : this.#resolver.resolve4(name),
          limit,
          () => Object.assign(new Error(`no DNS answer within ${limit} ms`), { code: 'DP_DNS_TIMEOUT' }),
        ),
      };
    } catch (error) {
      const c = classifyError(error);
      const late = Math.round(performance.now() - started - limit);
      if (c.outcome === 'dns-timeout' && late > BUSY_LATE_MS) return { late };
      // Only DNS outcomes come from a lookup: a refused query (no DNS server where one was expected, as on a
      // network without embedded DNS) is a DNS error, never a TCP "refused" that would read as an open path.
      const outcome = c.outcome === 'nxdomain' || c.outcome === 'dns-timeout' ? c.outcome : 'dns-error';
      return { failed: { outcome, addresses: [], errorCode: c.errorCode, detail: c.detail } };
    }
  }

  /** Stops queries still in flight so the process can exit. */
  cancel(): void {
    this.#resolver.cancel();
  }
}
