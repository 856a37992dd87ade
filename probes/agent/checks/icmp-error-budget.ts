import { performance } from 'node:perf_hooks';
import { ICMP_BURST, ICMP_REFILL_MS } from '../protocol.js';

/**
 * Linux sends ICMP errors (a port unreachable, for UDP to a closed port) to one destination at a limited rate, per
 * network namespace: a token bucket of six, refilled one per `net.ipv4.icmp_ratelimit` (1000 ms by default; the same
 * for ICMPv6). An error it does not send costs nothing. A probe that draws more errors from one address than that hears
 * silence it caused itself, and a UDP control among its checks then hears nothing either. The agent keeps an estimate of
 * each address's bucket, a little under the kernel's, and lets a datagram go only while the estimate has a token for it
 * beyond those of the datagrams still in flight to that address. Only an error that came back spends a token, so
 * datagrams to an address that answers nothing (filtered, or a silent listener) are held back by the in-flight count
 * alone.
 */
export class IcmpErrorBudget {
  private readonly buckets = new Map<string, Bucket>();

  /**
   * @param burst tokens a bucket holds (under the kernel's six: a margin for another sender from the same address)
   * @param refillMs time for one token to come back (over the kernel's 1000 ms: a margin for its clock ticks)
   * @param now the clock, in ms
   */
  constructor(
    readonly burst = ICMP_BURST,
    readonly refillMs = ICMP_REFILL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Waits until a datagram may go to `address`, then holds its place in flight until `release`: pass whether an ICMP
   * error came back (the kernel spent a token). Resolves with the lease and the time waited.
   */
  async acquire(address: string): Promise<{ release: (errorCameBack: boolean) => void; waitedMs: number }> {
    const bucket = this.bucketOf(address);
    const began = this.now();
    for (;;) {
      this.refill(bucket);
      if (bucket.tokens - bucket.inFlight >= 1) break;
      // Short of a token: wait for the refill when the errors spent it, else for a datagram in flight to end.
      const refillIn = bucket.tokens < this.burst ? (1 - (bucket.tokens - bucket.inFlight)) * this.refillMs : Infinity;
      await new Promise<void>((resolve) => {
        const timer = Number.isFinite(refillIn) ? setTimeout(wake, Math.max(1, Math.ceil(refillIn))) : undefined;
        function wake() {
          if (timer) clearTimeout(timer);
          bucket.waiters.delete(wake);
          resolve();
        }
        bucket.waiters.add(wake);
      });
    }
    bucket.inFlight++;
    let released = false;
    return {
      waitedMs: this.now() - began,
      release: (errorCameBack) => {
        if (released) return;
        released = true;
        this.refill(bucket);
        bucket.inFlight--;
        if (errorCameBack) bucket.tokens--;
        for (const wake of [...bucket.waiters]) wake();
        if (bucket.inFlight === 0 && bucket.tokens >= this.burst && bucket.waiters.size === 0)
          this.buckets.delete(address);
      },
    };
  }

  /** The estimate for `address` now: tokens left and datagrams in flight (a full bucket when never used). */
  state(address: string): { tokens: number; inFlight: number } {
    const bucket = this.buckets.get(address);
    if (!bucket) return { tokens: this.burst, inFlight: 0 };
    this.refill(bucket);
    return { tokens: bucket.tokens, inFlight: bucket.inFlight };
  }

  private bucketOf(address: string): Bucket {
    let bucket = this.buckets.get(address);
    if (!bucket) {
      bucket = { tokens: this.burst, at: this.now(), inFlight: 0, waiters: new Set() };
      this.buckets.set(address, bucket);
    }
    return bucket;
  }

  private refill(bucket: Bucket): void {
    const now = this.now();
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) / this.refillMs);
    bucket.at = now;
  }
}

interface Bucket {
  tokens: number;
  at: number;
  inFlight: number;
  waiters: Set<() => void>;
}

/** The agent's one budget: the kernel's buckets outlive a round, and so does this (warm probes run many). */
export const icmpErrorBudget = new IcmpErrorBudget();
