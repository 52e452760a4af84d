/**
 * The summary columns of a message row (schema.ts MessagesTable): computed from the
 * metadata JSON when a row is written (mime/summary.ts), and the reads that use them, so
 * SEARCH SUBJECT, SIZE, dates and SORT never parse a row's metadata. The database does the
 * matching and ordering and returns UIDs only: turning 100,000 rows of strings into
 * JavaScript objects costs more than the query itself. The migration that added the
 * columns fills old rows with summaryColumns too.
 */
import { sql, type Kysely } from 'kysely';
import { summaryOfJson, type MessageSummaryFields } from '../../mime/summary.js';
import type { MessageSummary, SortField, UidRanges } from '../types.js';
import type { Sql } from './db.js';
import { uidFilter } from './ranges.js';
import type { DB, MessagesTable } from './schema.js';

export type SummaryColumns = Pick<MessagesTable, 'search_subject' | 'sort_subject' | 'sort_from' | 'sort_to' | 'sort_cc'
  | 'sort_display_from' | 'sort_display_to' | 'sent_date' | 'sent_day' | 'message_id'>;

/** The summary columns of a row (a copied message keeps its source's). */
export function pickSummary(r: SummaryColumns): SummaryColumns {
  return {
    search_subject: r.search_subject, sort_subject: r.sort_subject, sort_from: r.sort_from, sort_to: r.sort_to, sort_cc: r.sort_cc,
    sort_display_from: r.sort_display_from, sort_display_to: r.sort_display_to, sent_date: r.sent_date, sent_day: r.sent_day,
    message_id: r.message_id,
  };
}

/** The summary columns of a message: from its summary when given, else from its metadata JSON. */
export function summaryColumns(metadata: string, summary?: MessageSummaryFields): SummaryColumns {
  const f = summary ?? summaryOfJson(metadata);
  return {
    search_subject: f.searchSubject, sort_subject: f.sortSubject, sort_from: f.sortFrom, sort_to: f.sortTo, sort_cc: f.sortCc,
    sort_display_from: f.sortDisplayFrom, sort_display_to: f.sortDisplayTo, sent_date: f.sentDate, sent_day: f.sentDay,
    message_id: f.messageId,
  };
}

export async function getSummaries(db: Kysely<DB>, mailboxId: number, uids: UidRanges): Promise<MessageSummary[]> {
  const f = uidFilter(uids);
  if (f.empty) return [];
  const rows = await db.selectFrom('messages').select(['uid', 'internaldate', 'size', 'sent_date', 'sent_day'])
    .where('mailbox_id', '=', mailboxId).where(f.where).orderBy('uid').execute();
  const out: MessageSummary[] = [];
  const num = (v: number | null) => (v === null ? null : Number(v));
  for (const r of rows) {
    if (!f.exact && !f.keep(Number(r.uid))) continue;
    out.push({ uid: Number(r.uid), internalDate: Number(r.internaldate), size: Number(r.size), sentDate: num(r.sent_date), sentDay: num(r.sent_day) });
  }
  return out;
}

export async function searchSubject(s: Sql, mailboxId: number, value: string): Promise<number[]> {
  const needle = value.toLowerCase();
  const hit = s.dialect === 'sqlite' ? sql<boolean>`instr(search_subject, ${needle}) > 0` : sql<boolean>`strpos(search_subject, ${needle}) > 0`;
  return s.ints(s.db.selectFrom('messages').select('uid').where('mailbox_id', '=', mailboxId).where(hit).orderBy('uid').compile());
}

const SORT_EXPR: Record<SortField, string> = {
  ARRIVAL: 'internaldate', SIZE: 'size', DATE: 'coalesce(sent_date, internaldate)', SUBJECT: 'sort_subject', FROM: 'sort_from',
  TO: 'sort_to', CC: 'sort_cc', DISPLAYFROM: 'sort_display_from', DISPLAYTO: 'sort_display_to',
};

const NUMERIC = new Set<SortField>(['ARRIVAL', 'SIZE', 'DATE']);

export async function sortUids(s: Sql, mailboxId: number, criteria: Array<{ key: SortField; reverse: boolean }>): Promise<number[]> {
  // Code-point order: SQLite's BINARY collation compares UTF-8 bytes, which orders as code
  // points do; PostgreSQL needs COLLATE "C" for the same.
  const collate = s.dialect === 'postgres' ? ' COLLATE "C"' : '';
  const order = criteria.map((c) => `${SORT_EXPR[c.key]}${NUMERIC.has(c.key) ? '' : collate}${c.reverse ? ' DESC' : ''}`);
  return s.ints(sql<{ uid: number }>`SELECT uid FROM messages WHERE mailbox_id = ${mailboxId}
    ORDER BY ${sql.raw([...order, 'uid'].join(', '))}`.compile(s.db));
}
