/**
 * Remembers recent successful password verifications so a client that logs in every
 * minute (POP3 polling, phones) does not pay argon2id each time — what Dovecot's
 * auth_cache does. Only successes are kept, as an HMAC under a random per-process key of
 * (stored hash, password): a changed password changes the stored hash and so misses the
 * cache, and nothing usable offline without the process's key is kept. Bounded in size
 * and age; ttlMs = 0 turns it off.
 */
import { createHmac, randomBytes } from 'node:crypto';

export class VerifiedLoginCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, number>();

  constructor(public ttlMs = 5 * 60_000, private readonly maxEntries = 10_000, private readonly now: () => number = Date.now) {}

  has(passwordHash: string, password: string): boolean {
    if (this.ttlMs <= 0) return false;
    const k = this.mac(passwordHash, password);
    const at = this.entries.get(k);
    if (at === undefined) return false;
    if (this.now() - at > this.ttlMs) {
      this.entries.delete(k);
      return false;
    }
    return true;
  }

  add(passwordHash: string, password: string): void {
    if (this.ttlMs <= 0) return;
    const k = this.mac(passwordHash, password);
    this.entries.delete(k);
    this.entries.set(k, this.now());
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  private mac(passwordHash: string, password: string): string {
    return createHmac('sha256', this.key).update(passwordHash).update('\0').update(password).digest('base64');
  }
}
