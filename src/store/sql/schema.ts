/**
 * Kysely table types of the store: the single source of truth for column names and types
 * shared by the SQLite and PostgreSQL backends (sql/migrations.ts creates them). Epoch
 * times are milliseconds in 64-bit integer columns; booleans are 0/1 integers in both
 * dialects so query code needs no dialect switch.
 */
import type { Generated } from 'kysely';

export interface DomainsTable { name: string; created_at: number }

export interface AccountsTable {
  id: Generated<number>;
  /** As first written. */
  address: string;
  /** canonicalAddress(address): the unique key. */
  address_key: string;
  domain: string;
  password_hash: string;
  apop_secret: string | null;
  quota: number | null;
  created_at: number;
}

/** One row per (source, target); source_key '@domain' is the domain's catch-all. */
export interface AliasesTable { source_key: string; source: string; domain: string; target_key: string; target: string }

export interface ForwardsTable { address_key: string; address: string; domain: string; to_address: string }

export interface ListsTable { address_key: string; address: string; domain: string; owner: string; posting: string }

export interface ListMembersTable { list_key: string; member_key: string; member: string }

export interface MailboxesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  uidvalidity: number;
  uidnext: number;
  highestmodseq: number;
  special_use: string | null;
  /** Mirror of subscriptions: 1 iff (account_id, name) is in it (subscriptions.ts keeps it so). */
  subscribed: number;
  /** RFC 3501 §2.3.2: the highest UID a session has claimed as \Recent (MailStore.claimRecent). */
  recent_uid: Generated<number>;
}

export interface MessagesTable {
  id: Generated<number>;
  mailbox_id: number;
  uid: number;
  modseq: number;
  /** System flags bitmask (sql/flags.ts). */
  flags: number;
  /** Keywords separated by single spaces, '' for none. */
  keywords: string;
  internaldate: number;
  size: number;
  blob_id: string;
  metadata: string;
  /** Summary columns (mime/summary.ts, sql/summary.ts), filled at delivery. */
  search_subject: string;
  sort_subject: string;
  sort_from: string;
  sort_to: string;
  sort_cc: string;
  sort_display_from: string;
  sort_display_to: string;
  sent_date: number | null;
  sent_day: number | null;
  message_id: string | null;
}

/** Subscribed mailbox names of an account (RFC 3501 §6.3.6): kept apart from mailboxes, so a
 *  name stays subscribed when its mailbox is deleted or renamed away. */
export interface SubscriptionsTable { account_id: number; name: string }

/** Expunge tombstones (RFC 7162 §3.2.5.2 VANISHED, JMAP changes). */
export interface ExpungedTable { mailbox_id: number; uid: number; modseq: number }

/** Search text per message (PostgreSQL; SQLite keeps it in the FTS5 table message_fts). */
export interface MessageTextTable { message_id: number; body: string }

/** SQLite FTS5 virtual table, rowid = messages.id. */
export interface MessageFtsTable { rowid: number; body: string }

/** chunk_size 0: the bytes are in `data`; > 0: `data` is empty and the bytes are the
 *  blob_chunks rows of this id, each chunk_size octets except the last (blob-sql/writer.ts). */
export interface BlobsTable { id: string; data: Buffer; size: number; created_at: number; chunk_size: Generated<number> }

/** Pieces of a chunked blob, seq 0, 1, ...; blob_id is 'tmp-…' while being written. */
export interface BlobChunksTable { blob_id: string; seq: number; data: Buffer; created_at: number }

/** SQLite: search text of messages not yet in message_fts, id = messages.id (text.ts). */
export interface FtsPendingTable { id: number; body: string }

export interface MetaTable { key: string; value: number }

export interface QueueMessagesTable {
  id: Generated<number>;
  sender: string;
  blob_id: string;
  size: number;
  arrival: number;
  envid: string | null;
  ret: string | null;
  is_bounce: number;
  body: string;
  smtputf8: number;
}

export interface QueueRecipientsTable {
  id: Generated<number>;
  message_id: number;
  address: string;
  orcpt: string | null;
  /** JSON array text or null. */
  notify: string | null;
  state: string;
  attempts: number;
  next_attempt: number;
  last_attempt: number | null;
  last_reply: string | null;
  remote_mta: string | null;
  lease_owner: string | null;
  lease_until: number | null;
  delay_notified: number;
}

/** RFC 4467 §3 mailbox access keys (URLAUTH): a random secret per mailbox, hex. */
export interface UrlauthKeysTable { mailbox_id: number; account_id: number; access_key: string }

export interface DB {
  domains: DomainsTable;
  accounts: AccountsTable;
  aliases: AliasesTable;
  forwards: ForwardsTable;
  lists: ListsTable;
  list_members: ListMembersTable;
  mailboxes: MailboxesTable;
  subscriptions: SubscriptionsTable;
  messages: MessagesTable;
  expunged: ExpungedTable;
  message_text: MessageTextTable;
  message_fts: MessageFtsTable;
  fts_pending: FtsPendingTable;
  blobs: BlobsTable;
  blob_chunks: BlobChunksTable;
  meta: MetaTable;
  queue_messages: QueueMessagesTable;
  queue_recipients: QueueRecipientsTable;
  urlauth_keys: UrlauthKeysTable;
}
