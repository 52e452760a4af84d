/**
 * RFC 2449 §6.5 LOGIN-DELAY: the least number of seconds between two logins of the same
 * account (providers use it to stop clients polling every few seconds). Kept per process in
 * memory: a restart forgets it, which only ever lets a client in sooner.
 */
export class LoginDelay {
  private readonly last = new Map<number, number>();

  constructor(readonly seconds: number, private readonly now: () => number = Date.now) {}

  /** Seconds the account must still wait; 0 when it may log in. */
  remaining(accountId: number): number {
    if (this.seconds <= 0) return 0;
    const at = this.last.get(accountId);
    if (at === undefined) return 0;
    const left = Math.ceil((at + this.seconds * 1000 - this.now()) / 1000);
    if (left <= 0) this.last.delete(accountId);
    return Math.max(0, left);
  }

  record(accountId: number): void {
    if (this.seconds > 0) this.last.set(accountId, this.now());
  }
}
