/**
 * The narrow reads behind a large mailbox's SELECT and FETCH (as Dovecot answers them from
 * its index): SELECT reads the UIDs alone (one integer column of the (mailbox_id, uid)
 * index), the keywords in use and the first unseen message, never a row per message with
 * its flags; FETCH of flags walks the mailbox a page at a time by UID (keyset paging), so
 * memory stays bounded and both dialects answer from an index.
 */
import { sql, type Kysely } from 'kysely';
import type { MailboxView, MessageFlags } from '../types.js';
import { SEEN } from './flags.js';
import { toMessageFlags } from './rows.js';
import type { Dialect, Sql } from './db.js';
import { prepared } from './prepared.js';
import type { DB } from './schema.js';

export async function selectView(s: Sql, mailboxId: number): Promise<MailboxView> {
  const db = s.db;
  const uids = await s.ints(db.selectFrom('messages').select('uid').where('mailbox_id', '=', mailboxId).orderBy('uid').compile());
  // RFC 3501 §7.1 [UNSEEN]: the first message without \Seen, found walking the index in UID order.
  const unseen = await db.selectFrom('messages').select('uid').where('mailbox_id', '=', mailboxId)
    .where(sql<boolean>`(flags & ${sql.lit(SEEN)}) = 0`).orderBy('uid').limit(1).executeTakeFirst();
  const kw = await db.selectFrom('messages').select('keywords').distinct().where('mailbox_id', '=', mailboxId)
    .where('keywords', '<>', '').execute();
  const keywords = new Map<string, string>();
  for (const r of kw) for (const k of r.keywords.split(' ')) if (!keywords.has(k.toLowerCase())) keywords.set(k.toLowerCase(), k);
  return { uids, keywords: [...keywords.values()], firstUnseen: unseen ? Number(unseen.uid) : 0 };
}

const page = prepared(4, (db, mailboxId: number, from: number, to: number, limit: number) => db.selectFrom('messages')
  .select(['uid', 'modseq', 'flags', 'keywords']).where('mailbox_id', '=', mailboxId)
  .where('uid', '>=', from).where('uid', '<=', to).orderBy('uid').limit(limit));

/** Flag rows with from ≤ uid ≤ to, ascending, at most `limit` (compiled once: FETCH FLAGS). */
export async function flagsPage(db: Kysely<DB>, dialect: Dialect, mailboxId: number, from: number, to: number, limit: number): Promise<MessageFlags[]> {
  const rows = await page(db, dialect, mailboxId, from, Math.min(to, Number.MAX_SAFE_INTEGER), limit);
  const out = new Array<MessageFlags>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = toMessageFlags(rows[i]);
  return out;
}
