/**
 * MailStore over Kysely, shared by the SQLite and PostgreSQL backends: each method is one
 * transaction (or one read statement) delegating to the query modules of sql/.
 */
import type {
  ChangesSince, Flag, FlagMode, MailStore, Mailbox, MailboxStatus, MailboxView, MessageFlags, MessageHead, MessageRow, MessageSummary, NewMessage, SortField,
  SpecialUse, StoreFlagsResult, UidRanges,
} from '../types.js';
import { INLINE_BLOB_LIMIT } from './blob-rows.js';
import { MessageFactsMemo } from './message-facts.js';
import type { Sql } from './db.js';
import * as mb from './mailboxes.js';
import * as msg from './messages.js';
import { normalizeName } from './names.js';
import { claimRecent } from './recent.js';
import * as reads from './reads.js';
import * as summary from './summary.js';
import { toMailbox } from './rows.js';
import * as subs from './subscriptions.js';
import { storeFlags } from './store-flags.js';
import { searchText } from './text.js';
import { TextIndexer, type IndexBatch } from './text-indexer.js';
import * as view from './view.js';

export class SqlMailStore implements MailStore {
  private readonly indexer: TextIndexer;
  /** What never changes about a message, so FETCH reads only flags from the table's index. */
  private readonly facts = new MessageFactsMemo();
  readonly appendRaw?: MailStore['appendRaw'];

  /** `offload`: where text-index batches can run off the event loop (SQLite's worker);
   *  `writer`: where appendRaw parses and writes (SQLite's message writer, for messages
   *  whose blob the database keeps inline). */
  constructor(private readonly s: Sql, offload?: () => IndexBatch | null, writer?: NonNullable<MailStore['appendRaw']>) {
    this.indexer = new TextIndexer(s, offload);
    if (writer) {
      this.appendRaw = async (raw, targets, internalDate) => {
        if (raw.length > INLINE_BLOB_LIMIT || targets.length === 0) return null;
        const placed = await writer(raw, targets, internalDate);
        if (placed) this.indexer.poke(placed.length);
        return placed;
      };
    }
  }

  /** Stops the background text indexer (the store is closing). */
  stopIndexing(): void {
    this.indexer.stop();
  }

  /** Resolves once the background indexer has nothing pending (not part of MailStore). */
  whenIndexed(): Promise<void> {
    return this.indexer.whenIndexed();
  }

  async listMailboxes(accountId: number): Promise<Mailbox[]> {
    const rows = await mb.mailboxesOf(this.s.db, this.s.dialect, accountId);
    // Byte order, the same in both dialects whatever the database collation.
    return rows.map(toMailbox).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  getMailbox(accountId: number, name: string): Promise<Mailbox | null> {
    let n: string;
    try {
      n = normalizeName(name);
    } catch {
      return Promise.resolve(null);
    }
    return mb.findMailbox(this.s.db, this.s.dialect, accountId, n);
  }

  getMailboxById(id: number): Promise<Mailbox | null> {
    return mb.mailboxById(this.s.db, this.s.dialect, id);
  }

  createMailbox(accountId: number, name: string, opts?: { specialUse?: SpecialUse | null; subscribed?: boolean }): Promise<Mailbox> {
    return mb.createMailbox(this.s, accountId, name, opts);
  }

  renameMailbox(accountId: number, from: string, to: string): Promise<void> {
    return mb.renameMailbox(this.s, accountId, from, to);
  }

  deleteMailbox(accountId: number, name: string): Promise<void> {
    return mb.deleteMailbox(this.s, accountId, name);
  }

  setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<void> {
    return subs.setSubscribed(this.s, accountId, name, subscribed);
  }

  listSubscriptions(accountId: number): Promise<string[]> {
    return subs.listSubscriptions(this.s.db, accountId);
  }

  status(mailboxId: number): Promise<MailboxStatus> {
    return mb.mailboxStatus(this.s.db, this.s.dialect, mailboxId);
  }

  async append(items: Array<{ mailboxId: number; message: NewMessage }>): Promise<Array<{ mailboxId: number; uid: number; modseq: number }>> {
    if (items.length === 0) return [];
    const placed = await this.s.tx((trx) => msg.appendItems(trx, this.s.dialect, items));
    this.indexer.poke(items.length);
    // committed: the UIDs are these messages' for good (one rolled back would be given again)
    placed.forEach((p, i) => {
      const m = items[i].message;
      this.facts.set(p.mailboxId, p.uid, { internalDate: m.internalDate, size: m.size, blobId: m.blobId, metadataOctets: Buffer.byteLength(m.metadata) });
    });
    return placed;
  }

  async copy(fromMailboxId: number, uids: UidRanges, toMailboxId: number): Promise<Array<[number, number]>> {
    const pairs = await this.s.tx(async (trx) => (await msg.copyInto(trx, this.s.dialect, fromMailboxId, uids, toMailboxId)).pairs);
    this.indexer.poke(pairs.length);
    return pairs;
  }

  async move(fromMailboxId: number, uids: UidRanges, toMailboxId: number): Promise<Array<[number, number]>> {
    const pairs = await this.s.tx(async (trx) => {
      const r = await msg.copyInto(trx, this.s.dialect, fromMailboxId, uids, toMailboxId, true);
      await msg.expungeRows(trx, this.s.dialect, fromMailboxId, r.sources);
      return r.pairs;
    });
    this.indexer.poke(pairs.length);
    return pairs;
  }

  storeFlags(mailboxId: number, uids: UidRanges, mode: FlagMode, flags: Flag[], unchangedSince?: number): Promise<StoreFlagsResult> {
    return this.s.tx((trx) => storeFlags(trx, this.s.dialect, mailboxId, uids, mode, flags, unchangedSince));
  }

  async expunge(mailboxId: number, uids?: UidRanges): Promise<number[]> {
    // Most EXPUNGEs find nothing flagged \Deleted: a read of the committed state tells so
    // without a write transaction (SQLite's BEGIN IMMEDIATE and COMMIT); the result is the
    // one a transaction at that moment would have had.
    if ((await msg.deletedRows(this.s.db, this.s.dialect, mailboxId, uids)).length === 0) return [];
    return this.s.tx((trx) => msg.expungeDeleted(trx, this.s.dialect, mailboxId, uids));
  }

  removeMessages(mailboxId: number, uids: number[]): Promise<number[]> {
    return this.s.tx((trx) => msg.removeListed(trx, this.s.dialect, mailboxId, uids));
  }

  listFlags(mailboxId: number): Promise<MessageFlags[]> {
    return reads.listFlags(this.s.db, mailboxId);
  }

  selectView(mailboxId: number): Promise<MailboxView> {
    return view.selectView(this.s, mailboxId);
  }

  flagsPage(mailboxId: number, from: number, to: number, limit: number): Promise<MessageFlags[]> {
    return view.flagsPage(this.s.db, this.s.dialect, mailboxId, from, to, limit);
  }

  getMessages(mailboxId: number, uids: UidRanges): Promise<MessageRow[]> {
    return reads.getMessages(this.s.db, mailboxId, uids);
  }

  getMessageHeads(mailboxId: number, uids: UidRanges): Promise<MessageHead[]> {
    return reads.getMessageHeads(this.s.db, this.s.dialect, mailboxId, uids, this.facts);
  }

  getMetadata(mailboxId: number, uids: UidRanges): Promise<Map<number, string>> {
    return reads.getMetadata(this.s.db, this.s.dialect, mailboxId, uids);
  }

  getSummaries(mailboxId: number, uids: UidRanges): Promise<MessageSummary[]> {
    return summary.getSummaries(this.s.db, mailboxId, uids);
  }

  searchSubject(mailboxId: number, value: string): Promise<number[]> {
    return summary.searchSubject(this.s, mailboxId, value);
  }

  sortUids(mailboxId: number, criteria: Array<{ key: SortField; reverse: boolean }>): Promise<number[]> {
    return summary.sortUids(this.s, mailboxId, criteria);
  }

  getMessagesBySeq(mailboxId: number, from: number, to: number): Promise<MessageRow[]> {
    return reads.getMessagesBySeq(this.s.db, mailboxId, from, to);
  }

  changesSince(mailboxId: number, modseq: number): Promise<ChangesSince> {
    return reads.changesSince(this.s.db, this.s.dialect, mailboxId, modseq);
  }

  searchText(mailboxId: number, query: string): Promise<number[]> {
    // pending texts are searched too (text.ts): a search never waits for the indexer
    return searchText(this.s, mailboxId, query);
  }

  claimRecent(mailboxId: number, upTo: number): Promise<number> {
    return claimRecent(this.s, mailboxId, upTo);
  }

  quotaUsage(accountId: number): Promise<{ bytes: number; messages: number }> {
    return msg.accountUsage(this.s.db, this.s.dialect, accountId);
  }
}
