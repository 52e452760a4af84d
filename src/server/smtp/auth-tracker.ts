/**
 * Per-address AUTH failure accounting: each failure adds delay to the next answer (slowing
 * down guessing), and `maxFailures` within `windowMs` locks the address out for `lockoutMs`.
 * In memory, per process; shared by the SMTP listeners of one process.
 */

export interface AuthTrackerOptions {
  /** Added per recent failure to the delay before a failure reply. */
  stepDelayMs: number;
  maxDelayMs: number;
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
}

export const DEFAULT_AUTH_TRACKER: AuthTrackerOptions = {
  stepDelayMs: 1000, maxDelayMs: 5000, maxFailures: 10, windowMs: 15 * 60_000, lockoutMs: 15 * 60_000,
};

interface Entry {
  failures: number[];
  lockedUntil: number;
}

export class AuthFailureTracker {
  private readonly byIp = new Map<string, Entry>();

  constructor(readonly opts: AuthTrackerOptions = DEFAULT_AUTH_TRACKER, private readonly now = Date.now) {}

  /** True while the address is locked out. */
  isLocked(ip: string): boolean {
    const e = this.byIp.get(ip);
    return e !== undefined && e.lockedUntil > this.now();
  }

  /** Records a failure; returns how long to wait before answering. */
  fail(ip: string): number {
    const now = this.now();
    const e = this.byIp.get(ip) ?? { failures: [], lockedUntil: 0 };
    e.failures = e.failures.filter((t) => t > now - this.opts.windowMs);
    e.failures.push(now);
    if (e.failures.length >= this.opts.maxFailures) e.lockedUntil = now + this.opts.lockoutMs;
    this.byIp.set(ip, e);
    if (this.byIp.size > 100_000) this.prune(now);
    return Math.min(this.opts.maxDelayMs, this.opts.stepDelayMs * e.failures.length);
  }

  succeed(ip: string): void {
    this.byIp.delete(ip);
  }

  private prune(now: number): void {
    for (const [ip, e] of this.byIp) {
      if (e.lockedUntil < now && e.failures.every((t) => t < now - this.opts.windowMs)) this.byIp.delete(ip);
    }
  }
}
