/**
 * The storage contracts. Everything above store/ (mail/, mta/, server/) sees only these
 * interfaces; app/ picks a backend (SQLite + blob files, or PostgreSQL with blobs in the
 * database). Every backend runs the same conformance suite (test/store/conformance.ts).
 *
 * Common rules for every method below:
 *  - Durable: when a returned promise resolves, the change is committed and fsynced
 *    (SQLite: the WAL fsynced after the commit; PostgreSQL commit). A crash afterwards loses nothing.
 *    SQLite: other callers can read a commit a few ms before its fsync ends (sqlite/wal-sync.ts);
 *    only its own caller's promise waits, so only what the caller acknowledges is promised.
 *  - Atomic: a method either does all of what it says or nothing (one transaction).
 *  - Addresses are passed in any case; backends compare them by their canonical form
 *    (lib/address: local part lower-cased, domain lower-cased and IDNA-encoded) and keep the
 *    form as first written for display.
 *  - Errors a user can cause (duplicate, not found) are thrown as lib/errors UserError.
 */
import type { MessageSummaryFields } from '../mime/summary.js';
import type { BlobId } from './blob-id.js';
import type { Directory } from './directory-types.js';
import type { QueueStore } from './queue-types.js';
import type { MailboxView, MessageSummary, SortField } from './read-types.js';

// ---------------------------------------------------------------------------------- blobs

export type { BlobId } from './blob-id.js';
export type { MailboxView, MessageSummary, SortField } from './read-types.js';

/**
 * Content-addressed message bytes. A blob is written once and shared by every mailbox row
 * and queue entry that refers to it.
 */
export interface BlobStore {
  /** Stores `data` and returns its id. Idempotent: storing the same bytes twice is a no-op
   *  returning the same id. Durable on resolve (file: temp + fsync + rename + fsync dir). */
  put(data: Uint8Array): Promise<BlobId>;
  /** A streaming put for messages too large to hold in memory: bytes go in with write(),
   *  finish() makes them a blob exactly as put() would (same id, same durability, same
   *  idempotence). Memory held by a writer is bounded by the backend, never by the size. */
  createWriter(): BlobWriter;
  /** The whole blob. Throws UserError('not-found') if absent. */
  get(id: BlobId): Promise<Buffer>;
  /** Bytes [start, end) of the blob (end clamped to its size). */
  getRange(id: BlobId, start: number, end: number): Promise<Buffer>;
  has(id: BlobId): Promise<boolean>;
  /** Removes blobs no message row and no queue entry refers to any more and that are older
   *  than `graceMs` (a blob written for a delivery still in flight is not yet referenced).
   *  Returns how many were removed. */
  collectGarbage(graceMs: number): Promise<number>;
  /** Largest blob (bytes) MailStore.append may write itself, in the transaction of the
   *  rows that refer to it (NewMessage.content): one commit for blob and rows instead of a
   *  put() and then a commit. Absent or 0: none, always put() first. A blob written so is
   *  read, ranged, deduplicated and collected like any other. */
  readonly inlineLimit?: number;
  /** Blobs up to this size stay in memory once read with get() (blob-cache.ts): a reader of
   *  parts of one had better get() it whole and cut. Absent: no cache, use getRange. */
  readonly cachedUpTo?: number;
  /** `data` is the blob `id`, stored and committed, whose bytes the caller still holds: a
   *  cache may keep them as if just read (the caller then never writes to them). */
  keep?(id: BlobId, data: Buffer): void;
}

/**
 * One blob being written in pieces. Call order: write()* then exactly one of finish() or
 * abort(); await each write before the next (its promise is the backpressure). Until
 * finish() resolves nothing is visible: has()/get() do not see the blob, and a crash leaves
 * only temporary data that collectGarbage removes after its grace period.
 */
export interface BlobWriter {
  /** Octets written so far. */
  readonly size: number;
  /** Once the promise resolves the writer no longer uses `chunk`: the caller may reuse it. */
  write(chunk: Uint8Array): Promise<void>;
  /** Durable on resolve (file: fsync, rename, fsync dir; SQL: commit). The id is the
   *  SHA-256 of all the bytes written, so bytes already stored are de-duplicated. */
  finish(): Promise<BlobId>;
  /** Drops what was written. Safe to call after a failed write; a no-op after finish(). */
  abort(): Promise<void>;
}

// ------------------------------------------------------------------------------ directory

// The directory's contract lives in its own file; seen from above store/ through here.
export type { Account, Directory, Domain, LocalTarget, MailingList, PostingPolicy } from './directory-types.js';

// ------------------------------------------------------------------------------ mailboxes

export type SpecialUse = '\\Drafts' | '\\Sent' | '\\Trash' | '\\Junk' | '\\Archive' | '\\All' | '\\Flagged';

export interface Mailbox {
  id: number;
  accountId: number;
  /** Full name with '/' as hierarchy separator; 'INBOX' is always spelled so. */
  name: string;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  specialUse: SpecialUse | null;
  subscribed: boolean;
}

export interface MailboxStatus {
  messages: number;
  unseen: number;
  /** Messages above the mailbox's \Recent mark (claimRecent): no session has claimed them,
   *  so they are what STATUS RECENT counts for a session without the mailbox selected (for
   *  the session that has it selected, \Recent is its own state: server/imap). */
  unclaimed: number;
  uidNext: number;
  uidValidity: number;
  highestModseq: number;
  /** Sum of message sizes in octets. */
  size: number;
  deleted: number;
  /** Octets of the messages flagged \Deleted (what EXPUNGE would free). */
  deletedSize: number;
}

// ------------------------------------------------------------------------------- messages

/** System flags are stored with their backslash ('\\Seen'); keywords as given (case kept,
 *  compared case-insensitively). '\\Recent' is not stored: it is session state. */
export type Flag = string;

export interface MessageRow {
  mailboxId: number;
  uid: number;
  modseq: number;
  flags: Flag[];
  /** Epoch ms. */
  internalDate: number;
  size: number;
  blobId: BlobId;
  /** mime/types ParsedMessage, as stored; parse with JSON.parse. */
  metadata: string;
}

/** A row without its metadata but with the metadata's length in octets (UTF-8, read without the JSON). */
export interface MessageHead extends Omit<MessageRow, 'metadata'> { metadataOctets: number }

/** The light row for flag reads and sequence maps: no metadata. */
export interface MessageFlags { uid: number; modseq: number; flags: Flag[] }

/** What delivery stores for one message in one mailbox. */
export interface NewMessage {
  blobId: BlobId;
  size: number;
  internalDate: number;
  flags: Flag[];
  /** JSON of mime/types ParsedMessage (as mime/stored-metadata.ts writes it). */
  metadata: string;
  /** Text for the full-text index: decoded header fields and text parts. */
  searchText: string;
  /** The summary fields of the metadata (mime/summary.ts summaryOf), when the caller has them
   *  at hand: the store then need not parse the metadata JSON again to fill its columns. */
  summary?: MessageSummaryFields;
  /** The blob's bytes when the caller did not put() them (at most BlobStore.inlineLimit;
   *  blobId must be their SHA-256): append stores them in the same transaction as the row,
   *  so the row and its blob become durable together. Re-using existing bytes is a no-op
   *  that refreshes the blob's age for garbage collection, as put() does. */
  content?: Uint8Array;
}

/** UIDs as a list of inclusive ranges, e.g. [[1, 5], [9, 9]]; Infinity allowed as an end. */
export type UidRanges = Array<[number, number]>;

export type FlagMode = 'add' | 'remove' | 'replace';

export interface StoreFlagsResult {
  /** Messages whose flags changed (or were matched with mode replace), with the new state. */
  updated: MessageFlags[];
  /** UIDs not changed because their MODSEQ was above `unchangedSince` (RFC 7162 §3.1.3). */
  modified: number[];
}

export interface ChangesSince {
  /** Messages changed or added after the given MODSEQ, by ascending UID. */
  changed: MessageFlags[];
  /** UIDs expunged after the given MODSEQ (from tombstones), ascending. */
  expunged: number[];
}

/**
 * Mailboxes and messages of the accounts. UIDs in a mailbox strictly increase and are
 * never reused while UIDVALIDITY holds; every change to a message or to the set of messages
 * takes a new MODSEQ from the mailbox's HIGHESTMODSEQ (RFC 7162).
 */
export interface MailStore {
  listMailboxes(accountId: number): Promise<Mailbox[]>;
  /** Name match is exact except 'INBOX', which matches in any case. */
  getMailbox(accountId: number, name: string): Promise<Mailbox | null>;
  getMailboxById(id: number): Promise<Mailbox | null>;
  /** Creates the mailbox (and missing parents, RFC 3501 §6.3.3). UserError 'duplicate' if it exists. */
  createMailbox(accountId: number, name: string, opts?: { specialUse?: SpecialUse | null; subscribed?: boolean }): Promise<Mailbox>;
  /** Renames the mailbox and every child ('a' → 'b' also moves 'a/x' → 'b/x'). Renaming INBOX
   *  creates `to` with all INBOX's messages (new UIDs) and leaves INBOX empty (RFC 3501 §6.3.5). */
  renameMailbox(accountId: number, from: string, to: string): Promise<void>;
  /** Deletes the mailbox and its messages; children remain. INBOX cannot be deleted. */
  deleteMailbox(accountId: number, name: string): Promise<void>;
  /** Subscriptions are names of their own (RFC 3501 §6.3.6): subscribing needs an existing
   *  mailbox (UserError 'not-found'); unsubscribing any name succeeds. Deleting or renaming a
   *  mailbox leaves its subscription in place; Mailbox.subscribed tells whether its name is
   *  subscribed. */
  setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<void>;
  /** Every subscribed name, mailbox or not, in byte order. */
  listSubscriptions(accountId: number): Promise<string[]>;
  status(mailboxId: number): Promise<MailboxStatus>;

  /** Appends one message per item, each to its own mailbox, in one transaction: multi-
   *  recipient delivery and batched appends. Returns the assigned UIDs in item order.
   *  UserError 'quota' (nothing stored) if an account would go over its quota. */
  append(items: Array<{ mailboxId: number; message: NewMessage }>): Promise<Array<{ mailboxId: number; uid: number; modseq: number }>>;
  /** Where a backend has it (SQLite: a writer thread): parses `raw` itself and appends it to
   *  every target, blob and rows in one durable transaction — what mail/deliver.ts's
   *  prepareMessage and append() together store. Resolves null when it cannot take this
   *  message now (the caller then goes that way); throws as append() does. */
  appendRaw?(raw: Uint8Array, targets: Array<{ mailboxId: number; flags: Flag[] }>, internalDate: number): Promise<Array<{ mailboxId: number; uid: number; modseq: number }> | null>;
  /** Copies messages to another mailbox (same account or not): new UIDs, same blob.
   *  Returns [sourceUid, destinationUid] pairs in source UID order. */
  copy(fromMailboxId: number, uids: UidRanges, toMailboxId: number): Promise<Array<[number, number]>>;
  /** copy + expunge from the source, atomically (RFC 6851). */
  move(fromMailboxId: number, uids: UidRanges, toMailboxId: number): Promise<Array<[number, number]>>;
  /** Sets flags on the messages in `uids`. With unchangedSince, messages whose MODSEQ is
   *  greater are left alone and reported in `modified`. */
  storeFlags(mailboxId: number, uids: UidRanges, mode: FlagMode, flags: Flag[], unchangedSince?: number): Promise<StoreFlagsResult>;
  /** Removes messages flagged \Deleted (all, or only those also in `uids`); leaves tombstones.
   *  Returns the expunged UIDs in ascending order. */
  expunge(mailboxId: number, uids?: UidRanges): Promise<number[]>;
  /** Removes exactly the listed messages regardless of flags (POP3 UPDATE). */
  removeMessages(mailboxId: number, uids: number[]): Promise<number[]>;

  /** Flags of every message, ascending UID: the sequence-number map of a session. */
  listFlags(mailboxId: number): Promise<MessageFlags[]>;
  /** SELECT's reads without a row object per message (MailboxView). */
  selectView(mailboxId: number): Promise<MailboxView>;
  /** Flags of the messages with from ≤ UID ≤ to, ascending, at most `limit`: paged reads. */
  flagsPage(mailboxId: number, from: number, to: number, limit: number): Promise<MessageFlags[]>;
  /** Full rows for the UIDs in range, ascending UID. */
  getMessages(mailboxId: number, uids: UidRanges): Promise<MessageRow[]>;
  /** getMessages without the metadata; getMetadata: the metadata alone, by UID. */
  getMessageHeads(mailboxId: number, uids: UidRanges): Promise<MessageHead[]>;
  getMetadata(mailboxId: number, uids: UidRanges): Promise<Map<number, string>>;
  /** Summary numbers for the UIDs in range, ascending UID (one statement for [[1, Infinity]]). */
  getSummaries(mailboxId: number, uids: UidRanges): Promise<MessageSummary[]>;
  /** UIDs (ascending) whose decoded Subject contains `value`, case-insensitively (SEARCH
   *  SUBJECT); answered from a column, not the metadata. */
  searchSubject(mailboxId: number, value: string): Promise<number[]>;
  /** Every UID of the mailbox ordered by the criteria, ties by ascending UID (RFC 5256 §3;
   *  REVERSE per criterion). Strings (upper-cased at delivery, mime/summary.ts) compare by
   *  code point; DATE is the Date: field, else the internal date. */
  sortUids(mailboxId: number, criteria: Array<{ key: SortField; reverse: boolean }>): Promise<number[]>;
  /** Full rows by 1-based sequence position [from, to], ascending UID. */
  getMessagesBySeq(mailboxId: number, from: number, to: number): Promise<MessageRow[]>;
  changesSince(mailboxId: number, modseq: number): Promise<ChangesSince>;
  /** UIDs (ascending) of messages in the mailbox whose indexed text matches all the words
   *  of `query` (case-insensitive substring semantics as IMAP SEARCH TEXT/BODY want). */
  searchText(mailboxId: number, query: string): Promise<number[]>;
  /** Octets and messages stored for the account (all mailboxes). */
  quotaUsage(accountId: number): Promise<{ bytes: number; messages: number }>;
  /** RFC 3501 §2.3.2 \Recent, shared by every node: the mailbox keeps the highest UID some
   *  session has claimed. Raises that mark to `upTo` when it is greater (atomically: two
   *  sessions never claim the same UID) and returns the mark as it was; `upTo` 0 only reads. */
  claimRecent(mailboxId: number, upTo: number): Promise<number>;
}

// ---------------------------------------------------------------------------------- locks

export interface LockHandle {
  release(): Promise<void>;
}

export interface Locks {
  /** Exclusive lock named `key` (e.g. 'maildrop:42') across every process sharing the store.
   *  null if someone holds it. Released by release(), or automatically when the holding
   *  process dies (no stale lock files). */
  tryLock(key: string): Promise<LockHandle | null>;
}

// ---------------------------------------------------------------------------- change bus

export type MailboxEvent =
  | { type: 'append'; accountId: number; mailboxId: number; uid: number; modseq: number }
  | { type: 'flags'; accountId: number; mailboxId: number; uids: number[]; /** the change's */ modseq: number }
  | { type: 'expunge'; accountId: number; mailboxId: number; uids: number[]; modseq: number }
  | {
    type: 'mailbox'; accountId: number; mailboxId: number;
    /** What happened to the mailbox named `name` (formerly `oldName`), for IMAP NOTIFY (RFC 5465 §5.4, §5.5). */
    change?: 'created' | 'deleted' | 'renamed' | 'subscribed' | 'unsubscribed'; name?: string; oldName?: string;
  };

/**
 * Carries mailbox events between processes sharing the store (PostgreSQL LISTEN/NOTIFY; in
 * process for SQLite). mail/'s change bus publishes through it; delivery is at-most-once,
 * in order per publisher, so subscribers re-read state rather than trust event contents.
 * Subscribers of the publishing store instance receive the event during publish() itself;
 * other instances (nodes) receive it asynchronously.
 * The store itself publishes nothing: writers publish after their change committed. Over
 * PostgreSQL an event whose `uids` would not fit a NOTIFY payload arrives with `uids: []`.
 */
export interface EventTransport {
  publish(event: MailboxEvent): Promise<void>;
  subscribe(handler: (event: MailboxEvent) => void): () => void;
}

// ---------------------------------------------------------------------------------- queue

// The outbound queue's contract lives in its own file; seen from above store/ through here.
export type { QueuedMessage, QueuedRecipient, QueueStore, RecipientState } from './queue-types.js';
// ------------------------------------------------------------------------------- urlauth

/**
 * RFC 4467 §3 mailbox access keys: the secret per mailbox that URLAUTH tokens are signed
 * with. Deleting a key (RESETKEY) invalidates every URL signed with it. Keys are opaque
 * text chosen by the caller (random); a mailbox has at most one at a time.
 */
export interface UrlAuthKeys {
  get(mailboxId: number): Promise<string | null>;
  /** The mailbox's key; `fresh` becomes it when it has none (atomic: concurrent callers
   *  all get the same key). */
  getOrCreate(accountId: number, mailboxId: number, fresh: string): Promise<string>;
  /** Forgets the key of one mailbox, or of every mailbox of the account. */
  reset(accountId: number, mailboxId?: number): Promise<void>;
}

// --------------------------------------------------------------------------------- the lot

/** One opened store: what app/ builds and hands down. */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly blobs: BlobStore;
  readonly directory: Directory;
  readonly mail: MailStore;
  readonly queue: QueueStore;
  readonly locks: Locks;
  readonly events: EventTransport;
  readonly urlauth: UrlAuthKeys;
  close(): Promise<void>;
}
