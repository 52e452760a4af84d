/**
 * The \Recent mark of a mailbox (RFC 3501 §2.3.2: a message is recent in exactly one
 * session): mailboxes.recent_uid is the highest UID a session has claimed. Reading it needs
 * no transaction; raising it locks the mailbox row (PostgreSQL; SQLite's BEGIN IMMEDIATE
 * already serializes), so two sessions, on one node or two, never both see the old mark.
 */
import type { Kysely } from 'kysely';
import type { Dialect, Sql } from './db.js';
import { lockMailboxes } from './messages.js';
import { prepared } from './prepared.js';
import type { DB } from './schema.js';

const recentUid = prepared(1, (db, mailboxId: number) => db.selectFrom('mailboxes').select('recent_uid').where('id', '=', mailboxId));

async function mark(db: Kysely<DB>, dialect: Dialect, mailboxId: number): Promise<number> {
  const [r] = await recentUid(db, dialect, mailboxId);
  return Number(r?.recent_uid ?? 0);
}

export async function claimRecent(s: Sql, mailboxId: number, upTo: number): Promise<number> {
  const now = await mark(s.db, s.dialect, mailboxId);
  if (upTo <= now) return now;
  return s.tx(async (trx) => {
    await lockMailboxes(trx, s.dialect, [mailboxId]);
    const before = await mark(trx, s.dialect, mailboxId);
    if (upTo > before) await trx.updateTable('mailboxes').set({ recent_uid: upTo }).where('id', '=', mailboxId).execute();
    return before;
  });
}
