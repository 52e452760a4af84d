/**
 * \Recent (RFC 3501 §2.3.2; dropped by RFC 9051): a message is recent in exactly one session,
 * the first to select its mailbox read-write after it arrived. The store keeps per mailbox
 * the highest UID some session has claimed (MailStore.claimRecent), so sessions on every
 * node of a PostgreSQL cluster share it and a restart does not make old mail recent again;
 * a session claims every UID above the mark.
 */
import type { MailStore } from '../../store/types.js';

export class RecentTracker {
  constructor(private readonly mail: MailStore) {}

  /** UIDs (ascending input) that are recent for a session; claims them unless `readOnly`. */
  async claim(mailboxId: number, uids: number[], readOnly: boolean): Promise<number[]> {
    if (uids.length === 0) return [];
    const last = await this.mail.claimRecent(mailboxId, readOnly ? 0 : uids[uids.length - 1]);
    return uids.filter((u) => u > last);
  }

  /** How many of `uids` no session has claimed yet (STATUS RECENT). */
  async unclaimed(mailboxId: number, uids: number[]): Promise<number> {
    const last = await this.mail.claimRecent(mailboxId, 0);
    return uids.filter((u) => u > last).length;
  }
}
