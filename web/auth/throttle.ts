/**
 * Login throttling, in memory: failed logins are counted per client address and per email (lower
 * case) in a fixed window; once a counter reaches its limit, logins for that address or email are
 * refused with 429 until the window ends. An attempt counts as failed from its start (`begin`)
 * until it succeeds (`succeeded` takes it back and clears the email's counter), so many guesses
 * sent at once cannot all pass the check before the first one is counted.
 *
 * In memory on purpose: one app process serves an environment (one EC2 instance), the check
 * costs no database round trip, and a restart forgetting counters only gives an attacker a few
 * more guesses. Memory is bounded: expired entries are pruned, and past `maxEntries` the oldest go.
 */
export interface ThrottleOptions {
  readonly windowMs: number;
  readonly maxFailuresPerAddress: number;
  readonly maxFailuresPerEmail: number;
  readonly maxEntries: number;
  readonly now?: () => number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  windowMs: 15 * 60 * 1000,
  maxFailuresPerAddress: 50,
  maxFailuresPerEmail: 10,
  maxEntries: 100_000,
};

interface Counter {
  failures: number;
  resetAt: number;
}

export class LoginThrottle {
  private readonly counters = new Map<string, Counter>();
  private readonly now: () => number;

  constructor(private readonly options: ThrottleOptions = DEFAULT_THROTTLE) {
    this.now = options.now ?? Date.now;
  }

  /** Seconds until a login from `address` for `email` is allowed again; 0 when allowed now. */
  retryAfter(address: string, email: string): number {
    const now = this.now();
    const wait = (key: string, limit: number): number => {
      const counter = this.live(key, now);
      return counter && counter.failures >= limit ? Math.ceil((counter.resetAt - now) / 1000) : 0;
    };
    return Math.max(wait(`a:${address}`, this.options.maxFailuresPerAddress), wait(`e:${email.toLowerCase()}`, this.options.maxFailuresPerEmail));
  }

  /** Counts an attempt as failed until `succeeded` says otherwise. */
  begin(address: string, email: string): void {
    this.recordFailure(address, email);
  }

  succeeded(address: string, email: string): void {
    const counter = this.live(`a:${address}`, this.now());
    if (counter) counter.failures = Math.max(0, counter.failures - 1);
    this.counters.delete(`e:${email.toLowerCase()}`);
  }

  recordFailure(address: string, email: string): void {
    const now = this.now();
    for (const key of [`a:${address}`, `e:${email.toLowerCase()}`]) {
      const counter = this.live(key, now);
      if (counter) counter.failures += 1;
      else this.counters.set(key, { failures: 1, resetAt: now + this.options.windowMs });
    }
    this.prune(now);
  }

  get size(): number {
    return this.counters.size;
  }

  private live(key: string, now: number): Counter | undefined {
    const counter = this.counters.get(key);
    if (counter && counter.resetAt <= now) {
      this.counters.delete(key);
      return undefined;
    }
    return counter;
  }

  private prune(now: number): void {
    if (this.counters.size <= this.options.maxEntries) return;
    for (const [key, counter] of this.counters) {
      if (counter.resetAt <= now) this.counters.delete(key);
    }
    // Still too many: drop the oldest (Map iterates in insertion order).
    for (const key of this.counters.keys()) {
      if (this.counters.size <= this.options.maxEntries) break;
      this.counters.delete(key);
    }
  }
}
