/** Small seeded PRNG (mulberry32) with the draws the generator needs. Same seed → same sequence on every platform. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    // Spread small seeds (1, 2, 3…) apart before the first draw.
    this.s = (Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ 0x2545f491) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Pick skewed to the front of the list (index ~ n·u^power): early entries are the common ones. */
  skewPick<T>(items: readonly T[], power = 2.2): T {
    return items[Math.floor(items.length * Math.pow(this.next(), power))];
  }

  /** Index drawn from unnormalized weights. */
  weighted(weights: readonly number[], total?: number): number {
    let r = this.next() * (total ?? weights.reduce((a, b) => a + b, 0));
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}
