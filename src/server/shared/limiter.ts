/**
 * Counts open sessions in total and per client address. One limiter is shared by the
 * listeners of one protocol (pop3 + pop3s; smtp + submission + submissions), so a limit
 * in the configuration means what its doc string says: all those listeners together.
 * A listener makes its own when app/ passes none.
 */
export class ConnectionLimiter {
  private total = 0;
  private readonly perIp = new Map<string, number>();

  constructor(readonly maxTotal: number, readonly maxPerIp: number) {}

  /** Takes a slot for `ip`; false when a limit is reached (nothing taken). */
  acquire(ip: string): boolean {
    return this.tryAcquire(ip) === 'ok';
  }

  /** acquire(), saying which limit refused. */
  tryAcquire(ip: string): 'ok' | 'total' | 'per-ip' {
    const n = this.perIp.get(ip) ?? 0;
    if (n >= this.maxPerIp) return 'per-ip';
    if (this.total >= this.maxTotal) return 'total';
    this.total++;
    this.perIp.set(ip, n + 1);
    return 'ok';
  }

  release(ip: string): void {
    this.total = Math.max(0, this.total - 1);
    const n = (this.perIp.get(ip) ?? 1) - 1;
    if (n > 0) this.perIp.set(ip, n);
    else this.perIp.delete(ip);
  }
}
