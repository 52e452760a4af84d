/**
 * The \Recent mark of a mailbox (RFC 3501 §2.3.2: a message is recent in exactly one
 * session): mailboxes.recent_uid is the highest UID a session has claimed. Reading it needs
 * no transaction; raising it locks the mailbox row (PostgreSQL; SQLite's BEGIN IMMEDIATE
 * already serializes), so two sessions, on one node or two, never both see the old mark.
 */
import type { Kysely } from 'kysely';
import type { Sql } from './db.js';
import { lockMailboxes } from './messages.js';
import type { DB } from './schema.js';

async function mark(db: Kysely<DB>, mailboxId: number): Promise<number> {
  const r = await db.selectFrom('mailboxes').select('recent_uid').where('id', '=', mailboxId).executeTakeFirst();
  return Number(r?.recent_uid ?? 0);
}

export async function claimRecent(s: Sql, mailboxId: number, upTo: number): Promise<number> {
  const now = await mark(s.db, mailboxId);
  if (upTo <= now) return now;
  return s.tx(async (trx) => {
    await lockMailboxes(trx, s.dialect, [mailboxId]);
    const before = await mark(trx, mailboxId);
    if (upTo > before) await trx.updateTable('mailboxes').set({ recent_uid: upTo }).where('id', '=', mailboxId).execute();
    return before;
  });
}
