/** Per-key token bucket (one bucket per access key; per client address when anonymous). */
export interface RateLimitOptions {
  /** Sustained requests per second per key; 0 or less disables limiting. */
  ratePerSecond: number;
  /** Bucket size (requests allowed in a burst). */
  burst: number;
}

interface Bucket { tokens: number; last: number }

const MAX_BUCKETS = 100_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(readonly options: RateLimitOptions, private readonly now: () => number = () => performance.now()) {}

  get enabled(): boolean {
    return this.options.ratePerSecond > 0;
  }

  /** Takes one token; false when the key is over its limit. */
  take(key: string): boolean {
    if (!this.enabled) return true;
    const t = this.now();
    const { ratePerSecond, burst } = this.options;
    let b = this.buckets.get(key);
    if (!b) {
      // Bounded memory: drop all idle state when too many distinct keys were seen (they start full again).
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
      b = { tokens: burst, last: t };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(burst, b.tokens + ((t - b.last) / 1000) * ratePerSecond);
      b.last = t;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
