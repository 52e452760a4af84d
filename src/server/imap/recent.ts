/**
 * \Recent (RFC 3501 §2.3.2; dropped by RFC 9051): a message is recent in exactly one session,
 * the first to select its mailbox read-write after it arrived. The store keeps per mailbox
 * the highest UID some session has claimed (MailStore.claimRecent), so sessions on every
 * node of a PostgreSQL cluster share it and a restart does not make old mail recent again;
 * a session claims every UID above the mark. STATUS RECENT, for a session without the
 * mailbox selected, counts the UIDs above it (MailboxStatus.unclaimed).
 */
import type { MailStore } from '../../store/types.js';

export class RecentTracker {
  constructor(private readonly mail: MailStore) {}

  /** For a session that now knows the UIDs up to `maxUid`: claims them unless `readOnly`,
   *  and returns the mark as it was (the session's recent UIDs are those above it). */
  async claim(mailboxId: number, maxUid: number, readOnly: boolean): Promise<number> {
    return this.mail.claimRecent(mailboxId, readOnly ? 0 : maxUid);
  }
}
