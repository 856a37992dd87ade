import { performance } from 'node:perf_hooks';
import { withTimeout } from './with-timeout.js';

/**
 * Whether the DNS server was answering while a lookup failed: a name known to resolve (the probe's DNS control), asked
 * after the lookup began, resolved. An overloaded embedded DNS leaves names that exist unanswered or answers them as
 * missing, so a lookup that did not resolve proves the name missing only when the server answered the witness asked
 * after it. One witness lookup at a time, and its answer kept: every lookup that began before it started is vouched for by it.
 */
export class DnsWitness {
  readonly #ask: () => Promise<boolean>;
  #current: { startedAt: number; answered: Promise<boolean> } | undefined;
  /** The last witness that ended, kept while it vouches for lookups begun before it: one answer serves them all. */
  #last: { startedAt: number; answered: boolean } | undefined;

  /** `ask`: one lookup of the witness name; true when it resolved. */
  constructor(ask: () => Promise<boolean>) {
    this.#ask = ask;
  }

  /**
   * Whether a witness asked at or after `since` (performance.now()) resolved; false when one did not, or none
   * answered within `waitMs`.
   */
  async vouch(since: number, waitMs: number): Promise<boolean> {
    return withTimeout(this.#after(since), waitMs, () => new Error('no witness answered')).catch(() => false);
  }

  async #after(since: number): Promise<boolean> {
    for (;;) {
      if (this.#last && this.#last.startedAt >= since) return this.#last.answered;
      const current = this.#current;
      if (current && current.startedAt >= since) return current.answered;
      if (current) {
        await current.answered;
        continue;
      }
      const startedAt = performance.now();
      const answered = this.#ask().catch(() => false);
      const started = { startedAt, answered };
      this.#current = started;
      void answered.then((ok) => {
        if (this.#current === started) this.#current = undefined;
        if (!this.#last || this.#last.startedAt < startedAt) this.#last = { startedAt, answered: ok };
      });
      return answered;
    }
  }
}
