/**
 * The \Recent mark of a mailbox (RFC 3501 §2.3.2: a message is recent in exactly one
 * session): mailboxes.recent_uid is the highest UID a session has claimed. Reading it needs
 * no transaction; raising it is a compare-and-set on the value read, so two sessions, on
 * one node or two, never both see the old mark: the second one's update matches no row.
 */
import type { Sql } from './db.js';
import { prepared } from './prepared.js';

const recentUid = prepared(1, (db, mailboxId: number) => db.selectFrom('mailboxes').select('recent_uid').where('id', '=', mailboxId));

const setMark = prepared(3, (db, mailboxId: number, upTo: number, was: number) => db.updateTable('mailboxes').set({ recent_uid: upTo })
  .where('id', '=', mailboxId).where('recent_uid', '=', was).returning('id'));

export async function claimRecent(s: Sql, mailboxId: number, upTo: number): Promise<number> {
  for (;;) {
    const [r] = await recentUid(s.db, s.dialect, mailboxId);
    if (!r) return 0; // no such mailbox
    const now = Number(r.recent_uid);
    if (upTo <= now) return now;
    // Compare and set, one statement: it fails when another session moved the mark since it
    // was read (PostgreSQL re-tests the condition on the row it waited for), and then the
    // mark is read again. A write outside a transaction is synced like a commit.
    if ((await setMark(s.db, s.dialect, mailboxId, upTo, now)).length > 0) return now;
  }
}
