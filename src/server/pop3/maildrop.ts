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

/** Read-ahead bounds: only small messages, and a few at a time (memory per session). */
const PREFETCH_MAX_SIZE = 1 << 20;
const PREFETCH_MAX_BYTES = 4 << 20;

export class Maildrop {
  /** Blob reads started ahead of pipelined RETR/TOP commands, by message number. */
  private readonly ahead = new Map<number, { size: number; data: Promise<Buffer> }>();
  private aheadBytes = 0;

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

  /** The message's bytes (a read started by prefetch() is used once, then dropped). */
  read(store: Store, entry: MaildropEntry): Promise<Buffer> {
    const pre = this.ahead.get(entry.number);
    if (!pre) return store.blobs.get(entry.blobId);
    this.ahead.delete(entry.number);
    this.aheadBytes -= pre.size;
    return pre.data;
  }

  /** Starts reading message `n` for a RETR/TOP that is already queued (pipelining), so the
   *  store's latency overlaps the previous reply's transmission. */
  prefetch(store: Store, n: number): void {
    const e = this.entries[n - 1];
    if (!e || e.deleted || this.ahead.has(n) || e.size > PREFETCH_MAX_SIZE || this.aheadBytes + e.size > PREFETCH_MAX_BYTES) return;
    const data = store.blobs.get(e.blobId);
    data.catch(() => undefined); // a failure surfaces when read() hands it out
    this.ahead.set(n, { size: e.size, data });
    this.aheadBytes += e.size;
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
