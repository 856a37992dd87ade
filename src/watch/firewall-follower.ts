import {
  type FirewallReader,
  foreignRuleChanges,
  OWN_ADDRESS_MEMORY_MS,
  OWN_ADDRESS_RELIST_MS,
  OWN_ADDRESS_RELISTS,
} from './firewall-digest.js';

/** A change of the rule set that the watch's own containers do not explain. */
export interface FirewallChange {
  /** The rules added or removed, as `iptables-save` prints them. */
  rules: string[];
  /** Whether a round that starts after the change was read judges it already (no round needs asking for). */
  covered: boolean;
}

export interface FirewallFollowerOptions {
  reader: FirewallReader;
  /** The rule set as read when the watch started. */
  first: { digest: string; rules: string };
  /** The addresses of the watch's own containers, as the engine lists them now. */
  listOwnAddresses: () => Promise<readonly string[]>;
  onChange: (change: FirewallChange) => void;
  /** The rule set changed, and only the watch's own containers' rules did. */
  onOwnOnly: () => void;
  relistMs?: number;
  relists?: number;
}

/** An IPv4 /32 or IPv6 /128 in a rule: a rule about one container's address. */
const ONE_ADDRESS = /(^|[\s,])[0-9a-f.:]+\/(32|128)([\s,]|$)/i;

/**
 * Follows the engine host's rule set between rounds and decides which of its changes ask for a round. A round is
 * owed when the rules differ from those the latest round started with, for rules that are not the engine's answer to
 * the watch's own probes (Engine 28 adds a raw-table rule per container address). The round-start reading is what
 * keeps a container event's own rule (a connect, a disconnect) from asking for a second round: its round started
 * after the rule was in place. Readings are numbered when they start, so a slow reading never overrides a newer one.
 */
export class FirewallFollower {
  readonly #options: FirewallFollowerOptions;
  readonly #ownSeen = new Map<string, number>();
  #last: { digest: string; rules: string };
  #started = 0;
  #appliedSeq = 0;
  #judgedSeq = 0;
  #polling = false;

  constructor(options: FirewallFollowerOptions) {
    this.#options = options;
    this.#last = options.first;
  }

  /** One poll: a reading, and the change it shows, if any. A poll while one is under way does nothing. */
  async poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      const seq = ++this.#started;
      const before = await this.#apply(seq);
      if (!before) return;
      const foreign = await this.#foreign(before, this.#last.rules, true);
      if (foreign.length === 0) return this.#options.onOwnOnly();
      this.#options.onChange({ rules: foreign, covered: this.#judgedSeq > seq });
    } finally {
      this.#polling = false;
    }
  }

  /** The reading a round starts with: what it judges. A change it shows is reported as covered by that round. */
  async beforeRound(): Promise<void> {
    const seq = ++this.#started;
    const before = await this.#apply(seq);
    this.#judgedSeq = Math.max(this.#judgedSeq, seq);
    if (!before) return;
    const foreign = await this.#foreign(before, this.#last.rules, false);
    if (foreign.length === 0) return this.#options.onOwnOnly();
    this.#options.onChange({ rules: foreign, covered: true });
  }

  /** Reads the rule set; the rules before it when it is the newest reading and they changed, else undefined. */
  async #apply(seq: number): Promise<string | undefined> {
    const next = await this.#options.reader().catch(() => undefined);
    if (!next || !('digest' in next) || seq < this.#appliedSeq) return undefined;
    this.#appliedSeq = seq;
    if (next.digest === this.#last.digest) return undefined;
    const before = this.#last.rules;
    this.#last = next;
    return before;
  }

  /**
   * The changed rules the watch's own addresses do not explain. A probe being started has its rule before the engine
   * lists its address: when every unexplained rule is about one address, the list is read again, a moment later.
   */
  async #foreign(before: string, after: string, relist: boolean): Promise<string[]> {
    let foreign = foreignRuleChanges(before, after, await this.#ownAddresses());
    const tries = relist ? (this.#options.relists ?? OWN_ADDRESS_RELISTS) : 0;
    for (let i = 0; i < tries && foreign.length > 0 && foreign.every((l) => ONE_ADDRESS.test(l)); i++) {
      await new Promise((resolve) => setTimeout(resolve, this.#options.relistMs ?? OWN_ADDRESS_RELIST_MS));
      foreign = foreignRuleChanges(before, after, await this.#ownAddresses());
    }
    return foreign;
  }

  /** The own addresses listed now and within OWN_ADDRESS_MEMORY_MS (a rule of a probe gone since names one). */
  async #ownAddresses(): Promise<Set<string>> {
    const listed = await this.#options.listOwnAddresses().catch((): readonly string[] => []);
    const at = Date.now();
    for (const a of listed) if (a !== '') this.#ownSeen.set(a, at);
    for (const [a, seen] of this.#ownSeen) if (at - seen > OWN_ADDRESS_MEMORY_MS) this.#ownSeen.delete(a);
    return new Set(this.#ownSeen.keys());
  }
}
