/**
 * Writes to the message set of mailboxes: append, copy, move, expunge, remove. Each
 * function runs inside the caller's transaction. UIDs and MODSEQs are taken from the
 * mailbox row with one UPDATE ... RETURNING, which also row-locks the mailbox on
 * PostgreSQL, so concurrent writers get distinct, increasing values (RFC 3501 §2.3.1.1,
 * RFC 7162 §3.1). Every expunge leaves a tombstone (mailbox, uid, modseq).
 */
import { sql, type Insertable, type Kysely } from 'kysely';
import { UserError } from '../../lib/errors.js';
import type { NewMessage, UidRanges } from '../types.js';
import { insertBlobs } from './blob-rows.js';
import { chunks, padded, type Dialect } from './db.js';
import { encodeFlags } from './flags.js';
import { uidFilter } from './ranges.js';
import type { DB, MessagesTable } from './schema.js';
import { ONE_BY_ONE, prepared, preparedList, preparedRanges } from './prepared.js';
import { pickSummary, summaryColumns } from './summary.js';
import { copyText, deleteText, insertText } from './text.js';

interface Allocation { accountId: number; firstUid: number; firstModseq: number }

/** Reserves `n` UIDs and `n` MODSEQs (one per message) in the mailbox. */
const take = prepared(3, (db, uids: number, modseqs: number, mailboxId: number) => db.updateTable('mailboxes')
  .set((eb) => ({ uidnext: eb('uidnext', '+', uids), highestmodseq: eb('highestmodseq', '+', modseqs) }))
  .where('id', '=', mailboxId).returning(['uidnext', 'highestmodseq', 'account_id']));

export async function allocate(trx: Kysely<DB>, dialect: Dialect, mailboxId: number, n: number): Promise<Allocation> {
  const [r] = await take(trx, dialect, n, n, mailboxId);
  if (!r) throw new UserError(`no mailbox with id ${mailboxId}`, 'not-found');
  return { accountId: Number(r.account_id), firstUid: Number(r.uidnext) - n, firstModseq: Number(r.highestmodseq) - n + 1 };
}

/** PostgreSQL: row-locks the mailboxes (ascending id, so two transactions never wait on
 *  each other in a cycle) before their messages are read for a read-modify-write, so a
 *  concurrent STORE or EXPUNGE cannot interleave. SQLite: BEGIN IMMEDIATE already did. */
export async function lockMailboxes(trx: Kysely<DB>, dialect: Dialect, ids: number[]): Promise<void> {
  if (dialect !== 'postgres') return;
  await trx.selectFrom('mailboxes').select('id').where('id', 'in', [...new Set(ids)].sort((a, b) => a - b)).orderBy('id').forUpdate().execute();
}

/** Takes one new MODSEQ for an operation on the mailbox. */
const bump = prepared(1, (db, mailboxId: number) => db.updateTable('mailboxes').set((eb) => ({ highestmodseq: eb('highestmodseq', '+', 1) }))
  .where('id', '=', mailboxId).returning(['highestmodseq', 'account_id']));

export async function bumpModseq(trx: Kysely<DB>, dialect: Dialect, mailboxId: number): Promise<{ modseq: number; accountId: number }> {
  const [r] = await bump(trx, dialect, mailboxId);
  if (!r) throw new UserError(`no mailbox with id ${mailboxId}`, 'not-found');
  return { modseq: Number(r.highestmodseq), accountId: Number(r.account_id) };
}

const quotaOf = prepared(1, (db, accountId: number) => db.selectFrom('accounts').select(['id', 'quota']).where('id', '=', accountId)
  .where('quota', 'is not', null));

/** Throws UserError 'quota' if adding `bytes` per account exceeds an account's quota. */
export async function checkQuota(trx: Kysely<DB>, dialect: Dialect, added: Map<number, number>): Promise<void> {
  if (added.size === 0) return;
  const limited = added.size === 1
    ? await quotaOf(trx, dialect, [...added.keys()][0])
    : await trx.selectFrom('accounts').select(['id', 'quota']).where('id', 'in', [...added.keys()]).where('quota', 'is not', null).execute();
  for (const acc of limited) {
    const used = await accountUsage(trx, dialect, Number(acc.id));
    if (used.bytes + (added.get(Number(acc.id)) ?? 0) > Number(acc.quota)) {
      throw new UserError('mailbox quota exceeded', 'quota');
    }
  }
}

/** Compiled once: every APPEND and COPY to an account with a quota runs it. */
const usage = prepared(1, (db, accountId: number) => db.selectFrom('messages as m').innerJoin('mailboxes as b', 'b.id', 'm.mailbox_id')
  .where('b.account_id', '=', accountId)
  .select((eb) => [eb.fn.countAll<number | string>().as('n'), sql<number | string | null>`sum(m.size)`.as('bytes')]));

export async function accountUsage(db: Kysely<DB>, dialect: Dialect, accountId: number): Promise<{ bytes: number; messages: number }> {
  const [r] = await usage(db, dialect, accountId);
  return { bytes: Number(r?.bytes ?? 0), messages: Number(r?.n ?? 0) };
}

export async function appendItems(trx: Kysely<DB>, dialect: Dialect, items: Array<{ mailboxId: number; message: NewMessage }>):
  Promise<Array<{ mailboxId: number; uid: number; modseq: number }>> {
  const byMailbox = new Map<number, number[]>();
  items.forEach((it, i) => {
    const list = byMailbox.get(it.mailboxId) ?? [];
    list.push(i);
    byMailbox.set(it.mailboxId, list);
  });
  const out = new Array<{ mailboxId: number; uid: number; modseq: number }>(items.length);
  const added = new Map<number, number>();
  // Lock mailbox rows in ascending id order so concurrent multi-mailbox appends on
  // PostgreSQL never wait on each other in a cycle.
  for (const [mailboxId, idx] of [...byMailbox].sort((x, y) => x[0] - y[0])) {
    const a = await allocate(trx, dialect, mailboxId, idx.length);
    idx.forEach((i, k) => {
      out[i] = { mailboxId, uid: a.firstUid + k, modseq: a.firstModseq + k };
      added.set(a.accountId, (added.get(a.accountId) ?? 0) + items[i].message.size);
    });
  }
  await checkQuota(trx, dialect, added);
  // types.ts NewMessage.content: the blob commits with its rows (one fsync for both)
  await insertBlobs(trx, dialect, items.flatMap((it) => (it.message.content ? [{ id: it.message.blobId, data: it.message.content }] : [])));
  const rows = items.map((it, i): Insert => {
    const f = encodeFlags(it.message.flags);
    return {
      mailbox_id: it.mailboxId, uid: out[i].uid, modseq: out[i].modseq, flags: f.bits, keywords: f.keywords,
      internaldate: it.message.internalDate, size: it.message.size, blob_id: it.message.blobId, metadata: it.message.metadata,
      ...summaryColumns(it.message.metadata, it.message.summary),
    };
  });
  const ids = await insertMessages(trx, dialect, rows);
  await insertText(trx, dialect, items.map((it, i) => ({ id: ids[i], body: it.message.searchText })));
  return out;
}

type Insert = Omit<Insertable<MessagesTable>, 'id'>;

/** The row insert a delivery makes, compiled once (prepared.ts): building and compiling a
 *  19-column insert cost more than SQLite's work for it. */
const insertOne = prepared(19, (db, mailboxId: number, uid: number, modseq: number, flags: number, keywords: string, internaldate: number,
  size: number, blobId: string, metadata: string, searchSubject: string, sortSubject: string, sortFrom: string, sortTo: string, sortCc: string,
  sortDisplayFrom: string, sortDisplayTo: string, sentDate: number | null, sentDay: number | null, messageId: string | null) =>
  db.insertInto('messages').values({
    mailbox_id: mailboxId, uid, modseq, flags, keywords, internaldate, size, blob_id: blobId, metadata, search_subject: searchSubject,
    sort_subject: sortSubject, sort_from: sortFrom, sort_to: sortTo, sort_cc: sortCc, sort_display_from: sortDisplayFrom,
    sort_display_to: sortDisplayTo, sent_date: sentDate, sent_day: sentDay, message_id: messageId,
  }).returning('id'));

/** Inserts rows; returns their ids in input order. */
async function insertMessages(trx: Kysely<DB>, dialect: Dialect, rows: Insert[]): Promise<number[]> {
  if (rows.length <= ONE_BY_ONE) {
    const ids: number[] = [];
    for (const r of rows) {
      const [got] = await insertOne(trx, dialect, r.mailbox_id, r.uid, r.modseq, r.flags, r.keywords ?? '', r.internaldate, r.size, r.blob_id, r.metadata,
        r.search_subject ?? '', r.sort_subject ?? '', r.sort_from ?? '', r.sort_to ?? '', r.sort_cc ?? '', r.sort_display_from ?? '', r.sort_display_to ?? '',
        r.sent_date ?? null, r.sent_day ?? null, r.message_id ?? null);
      ids.push(Number(got.id));
    }
    return ids;
  }
  const key = (mailboxId: number, uid: number) => `${mailboxId}:${uid}`;
  const ids = new Map<string, number>();
  for (const part of chunks(rows, 90)) {
    const got = await trx.insertInto('messages').values(part).returning(['id', 'mailbox_id', 'uid']).execute();
    for (const g of got) ids.set(key(Number(g.mailbox_id), Number(g.uid)), Number(g.id));
  }
  return rows.map((r) => ids.get(key(r.mailbox_id, r.uid)) ?? 0);
}

interface SourceRow { id: number; uid: number }

/** Copies the selected messages; returns source rows and [sourceUid, destUid] pairs.
 *  `moving`: the sources will be expunged in the same transaction, so the quota is only
 *  checked when the messages change account. */
export async function copyInto(trx: Kysely<DB>, dialect: Dialect, fromId: number, uids: UidRanges, toId: number, moving = false):
  Promise<{ sources: SourceRow[]; pairs: Array<[number, number]> }> {
  const filter = uidFilter(uids);
  if (filter.empty) return { sources: [], pairs: [] };
  await lockMailboxes(trx, dialect, [fromId, toId]);
  const src = (await trx.selectFrom('messages').selectAll().where('mailbox_id', '=', fromId).where(filter.where).orderBy('uid').execute())
    .filter((r) => filter.exact || filter.keep(Number(r.uid)));
  if (src.length === 0) {
    if (!(await trx.selectFrom('mailboxes').select('id').where('id', '=', toId).executeTakeFirst())) throw new UserError(`no mailbox with id ${toId}`, 'not-found');
    return { sources: [], pairs: [] };
  }
  const a = await allocate(trx, dialect, toId, src.length);
  const from = await trx.selectFrom('mailboxes').select('account_id').where('id', '=', fromId).executeTakeFirst();
  if (!moving || Number(from?.account_id) !== a.accountId) {
    await checkQuota(trx, dialect, new Map([[a.accountId, src.reduce((n, r) => n + Number(r.size), 0)]]));
  }
  const rows: Insert[] = src.map((r, k) => ({
    mailbox_id: toId, uid: a.firstUid + k, modseq: a.firstModseq + k, flags: Number(r.flags), keywords: r.keywords,
    internaldate: Number(r.internaldate), size: Number(r.size), blob_id: r.blob_id, metadata: r.metadata,
    ...pickSummary(r),
  }));
  const ids = await insertMessages(trx, dialect, rows);
  await copyText(trx, dialect, src.map((r, k): [number, number] => [Number(r.id), ids[k]]));
  return {
    sources: src.map((r) => ({ id: Number(r.id), uid: Number(r.uid) })),
    pairs: src.map((r, k): [number, number] => [Number(r.uid), a.firstUid + k]),
  };
}

const deleteMessages = preparedList(0, (db, ids) => db.deleteFrom('messages').where('id', 'in', ids));

/** One tombstone statement per row count up to 8 (an EXPUNGE mostly removes a few). */
const tombstones = Array.from({ length: 8 }, (_, i) => prepared(i + 3, (db, mailboxId: number, modseq: number, ...uids: number[]) =>
  db.insertInto('expunged').values(uids.map((uid) => ({ mailbox_id: mailboxId, uid, modseq })))));

async function insertTombstones(trx: Kysely<DB>, dialect: Dialect, mailboxId: number, modseq: number, uids: number[]): Promise<void> {
  const run = tombstones[uids.length - 1];
  if (run) await run(trx, dialect, mailboxId, modseq, ...uids);
  else await trx.insertInto('expunged').values(uids.map((uid) => ({ mailbox_id: mailboxId, uid, modseq }))).execute();
}

/** Deletes rows and leaves tombstones with one new MODSEQ; returns the UIDs ascending. */
export async function expungeRows(trx: Kysely<DB>, dialect: Dialect, mailboxId: number, rows: SourceRow[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const { modseq } = await bumpModseq(trx, dialect, mailboxId);
  const ids = rows.map((r) => r.id);
  await deleteText(trx, dialect, ids);
  for (const part of chunks(ids, 512)) await deleteMessages(trx, dialect, padded(part));
  for (const part of chunks(rows, 200)) await insertTombstones(trx, dialect, mailboxId, modseq, part.map((r) => r.uid));
  return rows.map((r) => r.uid).sort((x, y) => x - y);
}

/** Moves every message of one mailbox into another (INBOX rename). */
export async function moveAll(trx: Kysely<DB>, dialect: Dialect, fromId: number, toId: number): Promise<void> {
  const { sources } = await copyInto(trx, dialect, fromId, [[1, Infinity]], toId, true);
  await expungeRows(trx, dialect, fromId, sources);
}

export async function expungeDeleted(trx: Kysely<DB>, dialect: Dialect, mailboxId: number, uids?: UidRanges): Promise<number[]> {
  if (uids && uidFilter(uids).empty) return [];
  await lockMailboxes(trx, dialect, [mailboxId]);
  return expungeRows(trx, dialect, mailboxId, await deletedRows(trx, dialect, mailboxId, uids));
}

const deleted = prepared(1, (db, mailboxId: number) => db.selectFrom('messages').select(['id', 'uid'])
  .where('mailbox_id', '=', mailboxId).where(sql<boolean>`(flags & 8) <> 0`));
const deletedIn = preparedRanges(1, (db, where, mailboxId: number) => db.selectFrom('messages').select(['id', 'uid'])
  .where('mailbox_id', '=', mailboxId).where(sql<boolean>`(flags & 8) <> 0`).where(where));

/** The messages flagged \Deleted (among `uids` when given). */
export async function deletedRows(db: Kysely<DB>, dialect: Dialect, mailboxId: number, uids?: UidRanges): Promise<SourceRow[]> {
  const filter = uids ? uidFilter(uids) : null;
  if (filter?.empty) return [];
  const rows = filter ? await deletedIn(db, dialect, filter, mailboxId) : await deleted(db, dialect, mailboxId);
  return rows.map((r) => ({ id: Number(r.id), uid: Number(r.uid) })).filter((r) => !filter || filter.exact || filter.keep(r.uid));
}

export async function removeListed(trx: Kysely<DB>, dialect: Dialect, mailboxId: number, uids: number[]): Promise<number[]> {
  const rows: SourceRow[] = [];
  await lockMailboxes(trx, dialect, [mailboxId]);
  for (const part of chunks([...new Set(uids)], 500)) {
    const got = await trx.selectFrom('messages').select(['id', 'uid']).where('mailbox_id', '=', mailboxId).where('uid', 'in', part).execute();
    for (const r of got) rows.push({ id: Number(r.id), uid: Number(r.uid) });
  }
  return expungeRows(trx, dialect, mailboxId, rows);
}
