/**
 * \Recent (RFC 3501 §2.3.2; dropped by RFC 9051): a message is recent in exactly one session,
 * the first to select its mailbox read-write after it arrived. The server remembers per
 * mailbox the highest UID some session has claimed; a session claims every UID above it.
 * The record is per process and starts empty, so after a restart the first session sees the
 * mailbox's messages as recent once (documented limitation; IMAP4rev2 clients ignore it).
 */
export class RecentTracker {
  private readonly claimed = new Map<number, number>();

  /** UIDs (ascending input) that are recent for a session; claims them unless `readOnly`. */
  claim(mailboxId: number, uids: number[], readOnly: boolean): number[] {
    const last = this.claimed.get(mailboxId) ?? 0;
    const mine = uids.filter((u) => u > last);
    if (!readOnly && mine.length > 0) this.claimed.set(mailboxId, mine[mine.length - 1]);
    return mine;
  }

  /** How many of `uids` no session has claimed yet (STATUS RECENT). */
  unclaimed(mailboxId: number, uids: number[]): number {
    const last = this.claimed.get(mailboxId) ?? 0;
    return uids.filter((u) => u > last).length;
  }
}
