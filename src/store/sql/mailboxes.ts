/**
 * Mailbox rows: create (with missing parents, RFC 3501 §6.3.3), rename (children move
 * along; INBOX is special, RFC 3501 §6.3.5), delete (children remain, INBOX never), status.
 * Subscriptions are names of their own (subscriptions.ts): these leave them in place.
 * Every mutation runs in one transaction of the caller's Sql.
 */
import { sql, type Kysely } from 'kysely';
import { UserError } from '../../lib/errors.js';
import type { Mailbox, MailboxStatus, SpecialUse } from '../types.js';
import type { Dialect, Sql } from './db.js';
import { moveAll } from './messages.js';
import { ancestors, isInbox, normalizeName, SEP } from './names.js';
import { prepared } from './prepared.js';
import { isUniqueViolation, toMailbox } from './rows.js';
import type { DB } from './schema.js';
import { addSubscription, isSubscribed, mirror } from './subscriptions.js';
import { deleteTextOfMailbox } from './text.js';

const byName = prepared(2, (db, accountId: number, name: string) =>
  db.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).where('name', '=', name));
const byId = prepared(1, (db, id: number) => db.selectFrom('mailboxes').selectAll().where('id', '=', id));

/** Every mailbox row of the account (LIST, NOTIFY), in no particular order. */
export const mailboxesOf = prepared(1, (db, accountId: number) => db.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId));

export async function findMailbox(db: Kysely<DB>, dialect: Dialect, accountId: number, name: string): Promise<Mailbox | null> {
  const [row] = await byName(db, dialect, accountId, name);
  return row ? toMailbox(row) : null;
}

export async function mailboxById(db: Kysely<DB>, dialect: Dialect, id: number): Promise<Mailbox | null> {
  const [row] = await byId(db, dialect, id);
  return row ? toMailbox(row) : null;
}

/** Next UIDVALIDITY from the store-wide counter (RFC 3501 §2.3.1.1: never repeats for a name). */
async function nextUidValidity(trx: Kysely<DB>): Promise<number> {
  const row = await trx.updateTable('meta').set((eb) => ({ value: eb('value', '+', 1) })).where('key', '=', 'uidvalidity')
    .returning('value').executeTakeFirstOrThrow();
  return Number(row.value) % 0x1_0000_0000 || 1;
}

/** Inserts the row; `subscribed` subscribes the name too. A name subscribed before (the
 *  mailbox was deleted, or renamed away) is shown subscribed again (subscriptions.ts). */
async function insertMailbox(trx: Kysely<DB>, accountId: number, name: string, specialUse: SpecialUse | null, subscribed: boolean): Promise<Mailbox> {
  if (subscribed) await addSubscription(trx, accountId, name);
  const sub = await isSubscribed(trx, accountId, name);
  const row = await trx.insertInto('mailboxes').values({
    account_id: accountId, name, uidvalidity: await nextUidValidity(trx), uidnext: 1, highestmodseq: 1,
    special_use: specialUse, subscribed: sub ? 1 : 0,
  }).returningAll().executeTakeFirstOrThrow();
  return toMailbox(row);
}

async function ensureParents(trx: Kysely<DB>, dialect: Dialect, accountId: number, name: string): Promise<void> {
  for (const parent of ancestors(name)) {
    if (!(await findMailbox(trx, dialect, accountId, parent))) await insertMailbox(trx, accountId, parent, null, false);
  }
}

async function requireAccount(trx: Kysely<DB>, accountId: number): Promise<void> {
  const acc = await trx.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst();
  if (!acc) throw new UserError(`no account with id ${accountId}`, 'not-found');
}

/** Inside an open transaction: creates `name` and its missing parents. */
export async function createMailboxIn(trx: Kysely<DB>, dialect: Dialect, accountId: number, rawName: string,
  opts: { specialUse?: SpecialUse | null; subscribed?: boolean } = {}): Promise<Mailbox> {
  const name = normalizeName(rawName);
  await requireAccount(trx, accountId);
  if (await findMailbox(trx, dialect, accountId, name)) throw new UserError(`mailbox ${name} exists`, 'duplicate');
  await ensureParents(trx, dialect, accountId, name);
  return insertMailbox(trx, accountId, name, opts.specialUse ?? null, opts.subscribed ?? false);
}

export async function createMailbox(s: Sql, accountId: number, name: string, opts?: { specialUse?: SpecialUse | null; subscribed?: boolean }): Promise<Mailbox> {
  try {
    return await s.tx((trx) => createMailboxIn(trx, s.dialect, accountId, name, opts));
  } catch (err) {
    if (isUniqueViolation(err)) throw new UserError(`mailbox ${name} exists`, 'duplicate');
    throw err;
  }
}

export async function renameMailbox(s: Sql, accountId: number, rawFrom: string, rawTo: string): Promise<void> {
  const from = normalizeName(rawFrom);
  const to = normalizeName(rawTo);
  if (to === from || to.startsWith(from + SEP)) throw new UserError(`cannot rename ${from} to ${to}`, 'invalid');
  await s.tx(async (trx) => {
    const src = await findMailbox(trx, s.dialect, accountId, from);
    if (!src) throw new UserError(`no mailbox ${from}`, 'not-found');
    if (await findMailbox(trx, s.dialect, accountId, to)) throw new UserError(`mailbox ${to} exists`, 'duplicate');
    if (isInbox(from)) {
      // RFC 3501 §6.3.5: renaming INBOX moves its messages to the new name; INBOX stays,
      // empty, and its inferiors are not renamed.
      await ensureParents(trx, s.dialect, accountId, to);
      const dest = await insertMailbox(trx, accountId, to, null, false);
      await moveAll(trx, s.dialect, src.id, dest.id);
      return;
    }
    const rows = await trx.selectFrom('mailboxes').select(['id', 'name']).where('account_id', '=', accountId)
      .where((eb) => eb.or([eb('name', '=', from), eb(sql<string>`substr(name, 1, ${from.length + 1})`, '=', from + SEP)]))
      .execute();
    const moves = rows.filter((r) => r.name === from || r.name.startsWith(from + SEP)).map((r) => ({ id: Number(r.id), name: to + r.name.slice(from.length) }));
    for (const m of moves) {
      if (await findMailbox(trx, s.dialect, accountId, m.name)) throw new UserError(`mailbox ${m.name} exists`, 'duplicate');
    }
    await ensureParents(trx, s.dialect, accountId, to);
    for (const m of moves) await trx.updateTable('mailboxes').set({ name: m.name }).where('id', '=', m.id).execute();
    // Subscriptions stay with the names, not the mailboxes (subscriptions.ts).
    await mirror(trx, accountId, moves.map((m) => m.name));
  });
}

export async function deleteMailbox(s: Sql, accountId: number, rawName: string): Promise<void> {
  const name = normalizeName(rawName);
  if (isInbox(name)) throw new UserError('INBOX cannot be deleted', 'invalid');
  await s.tx(async (trx) => {
    const mb = await findMailbox(trx, s.dialect, accountId, name);
    if (!mb) throw new UserError(`no mailbox ${name}`, 'not-found');
    await deleteMailboxRows(trx, s.dialect, mb.id);
  });
}

/** Removes one mailbox with its messages, text and tombstones (inside a transaction). */
export async function deleteMailboxRows(trx: Kysely<DB>, dialect: Sql['dialect'], mailboxId: number): Promise<void> {
  await deleteTextOfMailbox(trx, dialect, mailboxId);
  await trx.deleteFrom('messages').where('mailbox_id', '=', mailboxId).execute();
  await trx.deleteFrom('expunged').where('mailbox_id', '=', mailboxId).execute();
  await trx.deleteFrom('mailboxes').where('id', '=', mailboxId).execute();
}

/** The mailbox row and the counts over its messages in one statement (one snapshot), built
 *  and compiled once: STATUS runs it for every mailbox a client polls. LEFT JOIN so an empty
 *  mailbox still has its row (count 0, sums NULL). */
const statusRow = prepared(1, (db, id: number) => db.selectFrom('mailboxes as mb')
  .leftJoin('messages as m', 'm.mailbox_id', 'mb.id')
  .where('mb.id', '=', id)
  .groupBy('mb.id')
  .select((eb) => [
    'mb.uidnext', 'mb.uidvalidity', 'mb.highestmodseq', eb.fn.count<number | string>('m.id').as('n'),
    sql<number | null>`sum(CASE WHEN (m.flags & 1) = 0 THEN 1 ELSE 0 END)`.as('unseen'),
    sql<number | null>`sum(CASE WHEN (m.flags & 8) <> 0 THEN 1 ELSE 0 END)`.as('deleted'),
    sql<number | null>`sum(m.size)`.as('size'),
    sql<number | null>`sum(CASE WHEN (m.flags & 8) <> 0 THEN m.size ELSE 0 END)`.as('deleted_size'),
    sql<number | null>`sum(CASE WHEN m.uid > mb.recent_uid THEN 1 ELSE 0 END)`.as('unclaimed'),
  ]));

export async function mailboxStatus(db: Kysely<DB>, dialect: Dialect, mailboxId: number): Promise<MailboxStatus> {
  const [row] = await statusRow(db, dialect, mailboxId);
  if (!row) throw new UserError(`no mailbox with id ${mailboxId}`, 'not-found');
  return {
    messages: Number(row.n), unseen: Number(row.unseen ?? 0), unclaimed: Number(row.unclaimed ?? 0), deleted: Number(row.deleted ?? 0),
    size: Number(row.size ?? 0), deletedSize: Number(row.deleted_size ?? 0),
    uidNext: Number(row.uidnext), uidValidity: Number(row.uidvalidity), highestModseq: Number(row.highestmodseq),
  };
}
