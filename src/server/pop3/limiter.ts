/**
 * Counts open POP3 sessions in total and per client address. One limiter can be shared by
 * the pop3 and pop3s listeners (config pop3.max_connections_per_ip counts both); each
 * listener makes its own when app/ passes none.
 */
export class ConnectionLimiter {
  private total = 0;
  private readonly perIp = new Map<string, number>();

  constructor(readonly maxTotal: number, readonly maxPerIp: number) {}

  /** Takes a slot for `ip`; false when a limit is reached (nothing taken). */
  acquire(ip: string): boolean {
    const n = this.perIp.get(ip) ?? 0;
    if (this.total >= this.maxTotal || n >= this.maxPerIp) return false;
    this.total++;
    this.perIp.set(ip, n + 1);
    return true;
  }

  release(ip: string): void {
    this.total = Math.max(0, this.total - 1);
    const n = (this.perIp.get(ip) ?? 1) - 1;
    if (n > 0) this.perIp.set(ip, n);
    else this.perIp.delete(ip);
  }
}
