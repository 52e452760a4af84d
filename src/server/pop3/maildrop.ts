/**
 * The maildrop of one POP3 session: the account's INBOX as it was at login (RFC 1939 §8:
 * message numbers are fixed for the session; mail arriving meanwhile shows up next session),
 * with the session's deletion marks. Nothing here writes the store; QUIT's UPDATE does.
 *
 * Invariants: numbers are 1-based positions in ascending-UID order at login; a marked
 * message cannot be referenced (RFC 1939 §5); sizes are the stored octet counts, which are
 * the CRLF octets RETR sends before byte-stuffing.
 */
import type { Mailbox, Store } from '../../store/types.js';

export interface MaildropEntry {
  readonly number: number;
  readonly uid: number;
  readonly size: number;
  readonly blobId: string;
  deleted: boolean;
}

export type EntryLookup = { ok: true; entry: MaildropEntry } | { ok: false; error: string };

export class Maildrop {
  private constructor(
    readonly mailbox: Mailbox,
    private readonly entries: MaildropEntry[],
  ) {}

  /** Snapshot of the account's INBOX; null when the account has none. */
  static async open(store: Store, accountId: number): Promise<Maildrop | null> {
    const mailbox = await store.mail.getMailbox(accountId, 'INBOX');
    if (!mailbox) return null;
    const rows = await store.mail.getMessages(mailbox.id, [[1, Infinity]]);
    return new Maildrop(mailbox, rows.map((r, i) => ({ number: i + 1, uid: r.uid, size: r.size, blobId: r.blobId, deleted: false })));
  }

  /** The message with number `n`, unless it does not exist or is marked deleted. */
  get(n: number): EntryLookup {
    const entry = this.entries[n - 1];
    if (!entry) return { ok: false, error: `no such message, only ${this.entries.length} in maildrop` };
    if (entry.deleted) return { ok: false, error: `message ${n} already deleted` };
    return { ok: true, entry };
  }

  /** Messages not marked deleted, in number order. */
  live(): MaildropEntry[] {
    return this.entries.filter((e) => !e.deleted);
  }

  /** RFC 1939 §5 STAT: count and octets of the messages not marked deleted. */
  stat(): { count: number; size: number } {
    let count = 0;
    let size = 0;
    for (const e of this.entries) if (!e.deleted) { count++; size += e.size; }
    return { count, size };
  }

  /** RFC 1939 §7 UIDL: 1–70 characters 0x21–0x7E, unique and stable across sessions while
   *  UIDVALIDITY holds (RFC 3501 §2.3.1.1 gives the same guarantee for UIDs). */
  uniqueId(entry: MaildropEntry): string {
    return `${this.mailbox.uidValidity}.${entry.uid}`;
  }

  /** RSET: unmark everything. */
  unmarkAll(): void {
    for (const e of this.entries) e.deleted = false;
  }

  markedUids(): number[] {
    return this.entries.filter((e) => e.deleted).map((e) => e.uid);
  }
}
