/**
 * The selected mailbox of one session: its sequence-number map (RFC 3501 §2.3.1.2) and the
 * flags the client was last told, and the rules for telling it about changes.
 *
 * Invariants:
 *  - `uids` is ascending; sequence number n is uids[n - 1]. It changes only in sync() (and in
 *    the session's own EXPUNGE/MOVE via removeUids), never while a command is answering.
 *  - No per-message flag state is held (a 100,000-message mailbox is one array of UIDs, read
 *    by one narrow query, MailStore.selectView): commands read flags from the store. Only the
 *    flags this session itself set and reported are kept (`own`), until sync() meets that
 *    change, so it is not reported a second time.
 *  - Other sessions' changes reach the client only through sync(), which the dispatcher calls
 *    at legal points (RFC 3501 §7.4.1, RFC 9051 §7.5.1): after command completion, NOOP,
 *    CHECK, IDLE. With allowExpunge false (FETCH, STORE, SEARCH) expunges are held back,
 *    and the mod-sequence mark is not advanced so they are found again next time.
 *  - Under QRESYNC expunges are reported as VANISHED (RFC 7162 §3.2.10); flag changes carry
 *    UID, and MODSEQ once CONDSTORE is on (RFC 7162 §3.1.4, §3.2.4).
 */
import type { Mailbox, MailStore, MessageFlags, UidRanges } from '../../store/types.js';
import type { ChangeBus } from '../../mail/changes.js';
import { resolveRanges, formatSet, type SeqSet } from '../../protocol/imap/seqset.js';
import { flagList } from '../../protocol/imap/writer.js';
import { bad } from '../../protocol/imap/errors.js';
import type { RecentTracker } from './recent.js';
import { RecentUids } from './recent-uids.js';
import type { UpdateContext } from './context-state.js';

/** RFC 3501 §2.3.2 system flags, as SELECT lists them. */
export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

export interface SyncOptions {
  allowExpunge: boolean;
  condstore: boolean;
  qresync: boolean;
  /** IMAP4rev2 enabled: no \Recent, no RECENT responses (RFC 9051 §2.3.2). */
  rev2: boolean;
}

export class SelectedMailbox {
  uids: number[] = [];
  /** Flags this session set and reported itself, not yet met by sync(). */
  private readonly own = new Map<number, MessageFlags>();
  /** What SELECT reports of the mailbox as it was opened (RFC 3501 §7.1 UNSEEN, §7.2.6 FLAGS). */
  opened = { keywords: [] as string[], firstUnseen: 0 };
  /** Mailbox HIGHESTMODSEQ when the client was last brought up to date. */
  knownModseq = 0;
  dirty = false;
  /** The mailbox was deleted by someone else: the session must end (as Dovecot does). */
  deleted = false;
  /** UIDs that are \Recent in this session (recent.ts). */
  readonly recent = new RecentUids(() => this.uids);
  /** RFC 5267 §4 contexts (SEARCH/SORT RETURN (UPDATE)) kept up to date, see contexts.ts. */
  readonly contexts: UpdateContext[] = [];
  /** Keywords the client was told of in FLAGS (lower-cased → as first seen), see announceKeywords(). */
  private readonly keywords = new Map<string, string>();
  private chain: Promise<unknown> = Promise.resolve();
  private unwatch: () => void = () => {};

  private constructor(
    private readonly mail: MailStore,
    readonly mailbox: Mailbox,
    readonly readOnly: boolean,
    private readonly tracker: RecentTracker,
  ) {}

  get id(): number {
    return this.mailbox.id;
  }

  /** Reads the mailbox (RFC 3501 §6.3.1) and starts listening for its changes. */
  static async open(mail: MailStore, bus: ChangeBus, tracker: RecentTracker, mailbox: Mailbox, readOnly: boolean, onChange: () => void): Promise<SelectedMailbox> {
    const sel = new SelectedMailbox(mail, mailbox, readOnly, tracker);
    const fresh = (await mail.getMailboxById(mailbox.id)) ?? mailbox;
    sel.knownModseq = fresh.highestModseq;
    const view = await mail.selectView(mailbox.id);
    sel.uids = view.uids;
    sel.opened = { keywords: view.keywords, firstUnseen: view.firstUnseen };
    const max = sel.uids[sel.uids.length - 1] ?? 0;
    if (max > 0) sel.recent.addAbove(await tracker.claim(mailbox.id, max, readOnly), max);
    sel.unwatch = bus.watchMailbox(mailbox.id, (event) => {
      // a change the client already knows of: this session's own, taken in by absorbOwn()
      if (event.type !== 'mailbox' && event.modseq > 0 && event.modseq <= sel.knownModseq) return;
      sel.dirty = true;
      onChange();
    });
    return sel;
  }

  close(): void {
    this.unwatch();
  }

  get exists(): number {
    return this.uids.length;
  }

  /**
   * RFC 3501 §7.2.6: the FLAGS response lists the flags defined in the mailbox, and a client
   * may refuse a keyword it was not told of (imaptest does). Returns the FLAGS and
   * PERMANENTFLAGS lines to send before a response that shows any keyword in `flags` the
   * client has not seen yet (another session introduced it), or [] when there is none.
   * FLAGS lists every keyword announced in this session, never fewer: the client may still
   * hold a message with a keyword whose removal it has not been told of yet, and a FLAGS
   * without it would drop that keyword (imaptest: "Keyword dropped, but it still had
   * references"). Dovecot, too, never shrinks FLAGS within a session.
   */
  announceKeywords(flags: string[], systemFlags: string[]): string[] {
    const fresh = flags.filter((f) => !f.startsWith('\\') && !this.keywords.has(f.toLowerCase()));
    if (fresh.length === 0) return [];
    for (const f of fresh) this.keywords.set(f.toLowerCase(), f);
    const all = [...systemFlags, ...this.keywords.values()];
    return [`FLAGS ${flagList(all)}`, `OK [PERMANENTFLAGS ${this.readOnly ? '()' : flagList([...all, '\\*'])}] Flags permitted`];
  }

  /** Records the keywords announced by SELECT/EXAMINE. */
  keywordsAnnounced(keywords: Iterable<string>): void {
    for (const k of keywords) if (!this.keywords.has(k.toLowerCase())) this.keywords.set(k.toLowerCase(), k);
  }

  /** Flags as the client sees them: \Recent first when it applies (RFC 3501 §2.3.2). */
  shown(m: MessageFlags, rev2: boolean): string[] {
    return !rev2 && this.recent.has(m.uid) ? ['\\Recent', ...m.flags] : m.flags;
  }

  seqOf(uid: number): number {
    let lo = 0;
    let hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.uids[mid];
      if (v === uid) return mid + 1;
      if (v < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** The UIDs a sequence set names, ascending (RFC 3501 §9 seq-number, uniqueid). */
  resolve(set: SeqSet, uid: boolean, saved: number[]): number[] {
    if (set.kind === 'saved') return saved.filter((u) => this.seqOf(u) > 0);
    const out: number[] = [];
    if (uid) {
      const max = this.uids.length > 0 ? this.uids[this.uids.length - 1] : 0;
      for (const [a, b] of merged(resolveRanges(set.ranges, max))) {
        for (let i = lowerBound(this.uids, a); i < this.uids.length && this.uids[i] <= b; i++) out.push(this.uids[i]);
      }
    } else {
      // RFC 9051 §9 seq-number: "*" is the number of messages in a non-empty mailbox.
      if (this.uids.length === 0 && set.ranges.every((r) => r[0] === '*' || r[1] === '*')) return [];
      const ranges = resolveRanges(set.ranges, this.uids.length);
      // A sequence number beyond EXISTS is a protocol error (Dovecot: BAD Invalid messageset).
      if (ranges.some(([a, b]) => b > this.uids.length || a < 1)) throw bad('Invalid message sequence number');
      for (const [a, b] of merged(ranges)) for (let s = a; s <= b; s++) out.push(this.uids[s - 1]);
    }
    return out;
  }

  /** Records flags this session itself changed (it reports them in its own responses). */
  update(rows: MessageFlags[]): void {
    for (const r of rows) if (this.seqOf(r.uid) > 0) this.own.set(r.uid, r);
  }

  /**
   * This session's own change of the mailbox, already shown to its client (STORE's and
   * FETCH's FLAGS, EXPUNGE's and MOVE's EXPUNGE or VANISHED), took one new MODSEQ: when it is
   * the one right after what the client was last brought up to date with, no other change
   * came between, and the client is now up to date with it. Its own change bus event is then
   * none of sync()'s business: sync would read the mailbox and its changes only to find the
   * session's own (two statements after every STORE and EXPUNGE).
   */
  absorbOwn(modseq: number, uids: number[]): void {
    if (this.dirty || modseq !== this.knownModseq + 1) return;
    this.knownModseq = modseq;
    for (const u of uids) this.own.delete(u);
  }

  /** Drops UIDs this session expunged and already reported. */
  removeUids(uids: number[]): void {
    const gone = new Set(uids);
    this.uids = this.uids.filter((u) => !gone.has(u));
    for (const u of uids) this.own.delete(u);
  }

  /** Brings the client up to date; returns the untagged responses (without "* "). */
  sync(opts: SyncOptions): Promise<string[]> {
    const run = this.chain.then(() => this.doSync(opts));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async doSync(opts: SyncOptions): Promise<string[]> {
    this.dirty = false;
    const box = await this.mail.getMailboxById(this.mailbox.id);
    if (!box) {
      this.deleted = true;
      return [];
    }
    // Every change to the mailbox's messages (append, flags, expunge) takes a new MODSEQ
    // from the mailbox row (RFC 7162 §3.1.1; sql/messages.ts): an unchanged HIGHESTMODSEQ
    // means there is nothing to report, and the two reads of the changes are not needed.
    if (box.highestModseq === this.knownModseq) return [];
    const { changed, expunged } = await this.mail.changesSince(this.mailbox.id, this.knownModseq);
    const out: string[] = [];
    const gone = expunged.filter((u) => this.seqOf(u) > 0).sort((a, b) => a - b);
    if (gone.length > 0 && opts.allowExpunge) {
      if (opts.qresync) out.push(`VANISHED ${formatSet(gone)}`);
      else {
        // RFC 3501 §7.4.1: each EXPUNGE renumbers the messages after it; ascending order
        // with a running shift gives the numbers the client expects.
        gone.forEach((u, i) => out.push(`${this.seqOf(u) - i} EXPUNGE`));
      }
      this.removeUids(gone);
    }
    const before = this.uids.length;
    const fresh: MessageFlags[] = [];
    for (const row of changed) {
      if (this.seqOf(row.uid) === 0) {
        if (!gone.includes(row.uid) && row.uid > (this.uids[this.uids.length - 1] ?? 0)) {
          this.uids.push(row.uid);
          fresh.push(row);
        }
        continue;
      }
      // This session's own change, already reported (STORE, FETCH setting \Seen).
      const mine = this.own.get(row.uid);
      if (mine) this.own.delete(row.uid);
      if (mine && (mine.modseq === row.modseq || (!opts.condstore && sameFlags(mine.flags, row.flags)))) continue;
      const modseq = opts.condstore ? ` MODSEQ (${row.modseq})` : '';
      out.push(...this.announceKeywords(row.flags, SYSTEM_FLAGS));
      out.push(`${this.seqOf(row.uid)} FETCH (UID ${row.uid} FLAGS ${flagList(this.shown(row, opts.rev2))}${modseq})`);
    }
    if (this.uids.length !== before) {
      for (const row of fresh) out.push(...this.announceKeywords(row.flags, SYSTEM_FLAGS));
      out.push(`${this.uids.length} EXISTS`);
      const max = this.uids[this.uids.length - 1];
      const mark = await this.tracker.claim(this.mailbox.id, max, this.readOnly);
      // RFC 3501 §2.3.2: only the new messages can become recent now.
      this.recent.addAbove(Math.max(mark, this.uids[before - 1] ?? 0), max);
      if (!opts.rev2) out.push(`${this.recent.size} RECENT`);
    }
    if (gone.length === 0 || opts.allowExpunge) this.knownModseq = Math.max(this.knownModseq, box.highestModseq);
    else this.dirty = true; // expunges held back: report them at the next legal point

    return out;
  }

  /** Turns ascending UIDs into store ranges. */
  static ranges(uids: number[]): UidRanges {
    const out: UidRanges = [];
    for (const u of uids) {
      const last = out[out.length - 1];
      if (last && last[1] === u - 1) last[1] = u;
      else out.push([u, u]);
    }
    return out;
  }
}

/** Resolved ranges sorted and merged, so a set that names a message twice yields it once. */
function merged(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = ranges.every((r, i) => i === 0 || r[0] > ranges[i - 1][1]) ? ranges : [...ranges].sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function lowerBound(arr: number[], v: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function sameFlags(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a.map((f) => f.toLowerCase()));
  return b.every((f) => s.has(f.toLowerCase()));
}
