/**
 * Failed-login bookkeeping per client IP, shared by every protocol server of a process.
 * Each failure makes the next answer slower (baseDelayMs doubling up to maxDelayMs); after
 * `lockoutAfter` failures in a row the address is refused for `lockoutMs`. A success clears
 * the address. Entries forget themselves after `forgetAfterMs` without failures, and the
 * table is bounded so a scan from many addresses cannot grow memory without limit.
 */

export interface FailurePolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  lockoutAfter: number;
  lockoutMs: number;
  forgetAfterMs: number;
  maxEntries: number;
}

export const DEFAULT_FAILURE_POLICY: FailurePolicy = {
  baseDelayMs: 1000,
  maxDelayMs: 8000,
  lockoutAfter: 10,
  lockoutMs: 15 * 60_000,
  forgetAfterMs: 15 * 60_000,
  maxEntries: 10_000,
};

interface Entry {
  failures: number;
  last: number;
  lockedUntil: number;
}

export class AuthFailureTracker {
  readonly policy: FailurePolicy;
  private readonly entries = new Map<string, Entry>();

  constructor(policy: Partial<FailurePolicy> = {}, private readonly now: () => number = Date.now) {
    this.policy = { ...DEFAULT_FAILURE_POLICY, ...policy };
  }

  /** Milliseconds the address is still locked out for; 0 when it may try. */
  lockedOut(ip: string): number {
    const e = this.current(ip);
    return e ? Math.max(0, e.lockedUntil - this.now()) : 0;
  }

  /** Records a failed attempt; returns how long to wait before answering it. */
  failure(ip: string): number {
    const now = this.now();
    const e = this.current(ip) ?? { failures: 0, last: now, lockedUntil: 0 };
    e.failures += 1;
    e.last = now;
    if (e.failures >= this.policy.lockoutAfter) e.lockedUntil = now + this.policy.lockoutMs;
    this.entries.delete(ip);
    this.entries.set(ip, e); // Map order = least recently failed first
    this.prune();
    return Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (e.failures - 1));
  }

  success(ip: string): void {
    this.entries.delete(ip);
  }

  /** Failures on record for the address (tests, metrics). */
  failures(ip: string): number {
    return this.current(ip)?.failures ?? 0;
  }

  private current(ip: string): Entry | null {
    const e = this.entries.get(ip);
    if (!e) return null;
    const now = this.now();
    if (e.lockedUntil <= now && now - e.last > this.policy.forgetAfterMs) {
      this.entries.delete(ip);
      return null;
    }
    return e;
  }

  private prune(): void {
    while (this.entries.size > this.policy.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
