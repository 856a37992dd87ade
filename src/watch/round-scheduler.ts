/** Why a round runs. */
export interface Trigger {
  /** `start`, `event` (the engine's), `interval`, `firewall`, `engine` (lost or back), `reload` (SIGHUP), `retry`. */
  kind: 'start' | 'event' | 'interval' | 'firewall' | 'engine' | 'reload' | 'retry';
  /** What happened, in a few words: `network connect: db to shop_public`. */
  what: string;
}

/** When rounds run: the knobs of a {@link RoundScheduler}. */
export interface ScheduleOptions {
  /** A round every this long when nothing else asks for one. */
  intervalMs: number;
  /** After an event, wait until none has come for this long (a burst gives one round after it settles) … */
  settleMs: number;
  /** … but never longer than this from the burst's first event, so constant churn cannot starve the rounds. */
  maxDelayMs: number;
}

/** A clock, so tests can drive one. */
export interface Clock {
  now(): number;
  sleep(ms: number, wake: Promise<void>): Promise<void>;
}

/** The real clock: a sleep that a new trigger can cut short. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, wake) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      void wake.then(() => {
        clearTimeout(timer);
        resolve();
      });
    }),
};

/** The most triggers a round keeps to describe itself; the rest are counted. */
const TRIGGERS_KEPT = 5;

/**
 * Decides when the next round runs. Engine events and firewall changes are coalesced: the round runs once the burst
 * has settled (`settleMs` without another) or `maxDelayMs` after its first, whichever is sooner. A reload, a retry or
 * the engine coming back runs at once. With nothing pending, a round runs `intervalMs` after the last one began. What
 * arrives while a round runs waits for the next.
 */
export class RoundScheduler {
  readonly #options: ScheduleOptions;
  readonly #clock: Clock;
  #pending: Trigger[] = [];
  #more = 0;
  #firstAt: number | undefined;
  #lastAt: number | undefined;
  #immediate = false;
  /** Not before this (a retry's backoff). */
  #notBefore = 0;
  #lastRoundAt: number;
  #closed = false;
  #wake: () => void = () => undefined;
  #woken: Promise<void>;

  constructor(options: ScheduleOptions, clock: Clock = realClock) {
    this.#options = options;
    this.#clock = clock;
    this.#lastRoundAt = clock.now();
    this.#woken = this.#newWake();
    this.trigger({ kind: 'start', what: 'watch started' });
  }

  /** Asks for a round: coalesced for events and firewall changes, as soon as possible for the others. */
  trigger(trigger: Trigger, options: { notBeforeMs?: number } = {}): void {
    const now = this.#clock.now();
    if (this.#pending.length < TRIGGERS_KEPT) this.#pending.push(trigger);
    else this.#more++;
    if (trigger.kind === 'event' || trigger.kind === 'firewall') {
      this.#firstAt ??= now;
      this.#lastAt = now;
    } else {
      this.#immediate = true;
    }
    if (options.notBeforeMs !== undefined) this.#notBefore = now + options.notBeforeMs;
    this.#wake();
  }

  /** When the next round is due, as things stand. */
  dueAt(): number {
    const { intervalMs, settleMs, maxDelayMs } = this.#options;
    let due = this.#lastRoundAt + intervalMs;
    if (this.#immediate) due = this.#clock.now();
    else if (this.#firstAt !== undefined && this.#lastAt !== undefined)
      due = Math.min(due, this.#lastAt + settleMs, this.#firstAt + maxDelayMs);
    return Math.max(due, this.#notBefore);
  }

  /** No more rounds: a pending next() returns undefined. */
  close(): void {
    this.#closed = true;
    this.#wake();
  }

  /**
   * Waits until a round is due; returns what asked for it (the interval when nothing did), and starts it; undefined
   * once closed.
   */
  async next(): Promise<{ triggers: Trigger[]; more: number } | undefined> {
    for (;;) {
      if (this.#closed) return undefined;
      const wait = this.dueAt() - this.#clock.now();
      if (wait <= 0) break;
      await this.#clock.sleep(wait, this.#woken);
    }
    const triggers = this.#pending.length > 0 ? this.#pending : [{ kind: 'interval' as const, what: 'interval' }];
    const more = this.#more;
    this.#pending = [];
    this.#more = 0;
    this.#firstAt = undefined;
    this.#lastAt = undefined;
    this.#immediate = false;
    this.#lastRoundAt = this.#clock.now();
    return { triggers, more };
  }

  #newWake(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = () => {
        resolve();
        this.#woken = this.#newWake();
      };
    });
  }
}

/** The triggers of a round in one line: `network connect: db to shop_public; container die: web (+3 more)`. */
export function describeTriggers(triggers: readonly Trigger[], more: number): string {
  const said = [...new Set(triggers.map((t) => t.what))].join('; ');
  return more > 0 ? `${said} (+${more} more)` : said;
}
