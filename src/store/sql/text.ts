/**
 * The full-text index (ARCHITECTURE.md: search never scans blobs). SQLite: FTS5 table
 * message_fts with the trigram tokenizer, rowid = messages.id; a word of three or more
 * characters uses the index (MATCH), shorter words fall back to LIKE on the same table.
 * Trigram indexing costs more CPU than the rest of a delivery together (~0.6 ms for 5 KB
 * of text), so a delivery only writes its text to fts_pending (in its own transaction) and
 * text-indexer.ts moves pending text into message_fts in the background. A search reads
 * both in one statement (one snapshot, so a text the indexer moves meanwhile is seen once):
 * the index for indexed texts, a scan of the mailbox's pending texts for the rest, so it
 * sees every committed message without waiting for the indexer (the index lags, results
 * never do). PostgreSQL: message_text(message_id, body) searched with ILIKE, which
 * pg_trgm's GIN index (created when the extension is available) accelerates; its pending
 * list already defers the GIN work. Both give case-insensitive substring semantics
 * (RFC 3501 §6.4.4 SEARCH BODY/TEXT).
 */
import { sql, type Kysely } from 'kysely';
import type { Dialect, Sql } from './db.js';
import { chunks, padded } from './db.js';
import { ONE_BY_ONE, prepared, preparedList } from './prepared.js';
import type { DB } from './schema.js';

/** One text, compiled once per table (prepared.ts): a group commit's few texts go one by one. */
const pendingOne = prepared(2, (db, id: number, body: string) => db.insertInto('fts_pending').values({ id, body }));
const textOne = prepared(2, (db, id: number, body: string) => db.insertInto('message_text').values({ message_id: id, body }));

export async function insertText(trx: Kysely<DB>, dialect: Dialect, rows: Array<{ id: number; body: string }>): Promise<void> {
  if (rows.length <= ONE_BY_ONE) {
    const one = dialect === 'sqlite' ? pendingOne : textOne;
    for (const r of rows) await one(trx, dialect, r.id, r.body);
    return;
  }
  for (const part of chunks(rows, 200)) {
    if (part.length === 0) continue;
    if (dialect === 'sqlite') await trx.insertInto('fts_pending').values(part.map((r) => ({ id: r.id, body: r.body }))).execute();
    else await trx.insertInto('message_text').values(part.map((r) => ({ message_id: r.id, body: r.body }))).execute();
  }
}

/** Copies the indexed text of `pairs` [sourceMessageId, newMessageId]. */
export async function copyText(trx: Kysely<DB>, dialect: Dialect, pairs: Array<[number, number]>): Promise<void> {
  for (const part of chunks(pairs, 200)) {
    const ids = part.map((p) => p[0]);
    const bodies = new Map<number, string>();
    if (dialect === 'sqlite') {
      const rows = await trx.selectFrom('message_fts').select(['rowid', 'body']).where('rowid', 'in', ids).execute();
      for (const r of rows) bodies.set(Number(r.rowid), r.body);
      const pending = await trx.selectFrom('fts_pending').select(['id', 'body']).where('id', 'in', ids).execute();
      for (const r of pending) bodies.set(Number(r.id), r.body);
    } else {
      const rows = await trx.selectFrom('message_text').select(['message_id', 'body']).where('message_id', 'in', ids).execute();
      for (const r of rows) bodies.set(Number(r.message_id), r.body);
    }
    await insertText(trx, dialect, part.filter((p) => bodies.has(p[0])).map(([from, to]) => ({ id: to, body: bodies.get(from) ?? '' })));
  }
}

const deleteFts = preparedList(0, (db, ids) => db.deleteFrom('message_fts').where('rowid', 'in', ids));
const deletePending = preparedList(0, (db, ids) => db.deleteFrom('fts_pending').where('id', 'in', ids));
const deletePgText = preparedList(0, (db, ids) => db.deleteFrom('message_text').where('message_id', 'in', ids));

export async function deleteText(trx: Kysely<DB>, dialect: Dialect, ids: number[]): Promise<void> {
  for (const chunk of chunks(ids, 512)) {
    const part = padded(chunk);
    if (dialect === 'sqlite') {
      await deleteFts(trx, dialect, part);
      await deletePending(trx, dialect, part);
    } else await deletePgText(trx, dialect, part);
  }
}

export async function deleteTextOfMailbox(trx: Kysely<DB>, dialect: Dialect, mailboxId: number): Promise<void> {
  const ids = trx.selectFrom('messages').select('id').where('mailbox_id', '=', mailboxId);
  if (dialect === 'sqlite') {
    await trx.deleteFrom('message_fts').where('rowid', 'in', ids).execute();
    await trx.deleteFrom('fts_pending').where('id', 'in', ids).execute();
  } else await trx.deleteFrom('message_text').where('message_id', 'in', ids).execute();
}

/** SQLite: moves up to `limit` pending texts (oldest first) into message_fts; returns how
 *  many it moved. Run it in a transaction. */
export async function indexPending(trx: Kysely<DB>, limit: number): Promise<number> {
  const rows = await trx.selectFrom('fts_pending').select(['id', 'body']).orderBy('id').limit(limit).execute();
  if (rows.length === 0) return 0;
  for (const part of chunks(rows, 200)) {
    await trx.insertInto('message_fts').values(part.map((r) => ({ rowid: r.id, body: r.body }))).execute();
  }
  await trx.deleteFrom('fts_pending').where('id', '<=', rows[rows.length - 1].id).execute();
  return rows.length;
}

/** The SQLite function matching a pending text (sqlite/open.ts registers it): JavaScript's
 *  case folding, as the trigram index folds non-ASCII letters, which LIKE does not. */
export const CONTAINS_FN = 'posthorn_contains';

/** UIDs (ascending) of messages in the mailbox whose text contains every word of `query`. */
export async function searchText(s: Sql, mailboxId: number, query: string): Promise<number[]> {
  const words = query.split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0) return s.ints(s.db.selectFrom('messages').select('uid').where('mailbox_id', '=', mailboxId).orderBy('uid').compile());
  const like = (w: string) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  if (s.dialect === 'sqlite') {
    const long = words.filter((w) => [...w].length >= 3);
    const short = words.filter((w) => [...w].length < 3);
    const match = long.map((w) => `"${w.replace(/"/g, '""')}"`).join(' AND ');
    const conds = [
      sql`m.mailbox_id = ${mailboxId}`,
      ...(match ? [sql`message_fts MATCH ${match}`] : []),
      ...short.map((w) => sql`message_fts.body LIKE ${like(w)} ESCAPE '\\'`),
    ];
    // Pending texts: LIKE folds ASCII letters only, so other words use CONTAINS_FN.
    const pending = [
      sql`m.mailbox_id = ${mailboxId}`,
      ...words.map((w) => (/^[\x00-\x7f]*$/.test(w) ? sql`p.body LIKE ${like(w)} ESCAPE '\\'` : sql`${sql.raw(CONTAINS_FN)}(p.body, ${w.toLowerCase()}) = 1`)),
    ];
    return s.ints(sql<{ uid: number }>`SELECT m.uid AS uid FROM message_fts JOIN messages m ON m.id = message_fts.rowid
      WHERE ${sql.join(conds, sql` AND `)}
      UNION SELECT m.uid AS uid FROM fts_pending p JOIN messages m ON m.id = p.id WHERE ${sql.join(pending, sql` AND `)}
      ORDER BY uid`.compile(s.db));
  }
  const conds = [sql`m.mailbox_id = ${mailboxId}`, ...words.map((w) => sql`t.body ILIKE ${like(w)}`)];
  return s.ints(sql<{ uid: number }>`SELECT m.uid AS uid FROM message_text t JOIN messages m ON m.id = t.message_id
    WHERE ${sql.join(conds, sql` AND `)} ORDER BY m.uid`.compile(s.db));
}
