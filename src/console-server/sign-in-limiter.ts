/** Counts failed sign-ins per client address in a sliding window, to slow down password guessing. */
export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly max: number, private readonly windowMs: number, private readonly now: () => number = Date.now) {}

  /** Milliseconds until the address may try again (0 = allowed now). */
  retryAfterMs(address: string): number {
    const list = this.recent(address);
    return list.length < this.max ? 0 : list[0]! + this.windowMs - this.now();
  }

  fail(address: string): void {
    const list = this.recent(address);
    list.push(this.now());
    this.failures.set(address, list);
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }

  succeed(address: string): void {
    this.failures.delete(address);
  }

  private recent(address: string): number[] {
    const cutoff = this.now() - this.windowMs;
    return (this.failures.get(address) ?? []).filter((t) => t > cutoff);
  }
}
