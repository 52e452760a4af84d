/**
 * STORE (RFC 3501 §6.4.6) with UNCHANGEDSINCE (RFC 7162 §3.1.3): reads the selected rows,
 * computes each new state, and writes the changed rows grouped by their new state (one
 * UPDATE per distinct result, so flagging 1,000 messages is a handful of statements). All
 * changed messages take the same new MODSEQ; unchanged ones keep theirs. The mailbox row is
 * locked first, so concurrent STOREs on PostgreSQL never lose each other's flags.
 */
import type { Kysely } from 'kysely';
import type { Flag, FlagMode, MessageFlags, StoreFlagsResult, UidRanges } from '../types.js';
import { chunks, padded, type Dialect } from './db.js';
import { applyFlags, decodeFlags, encodeFlags, sameFlags, type StoredFlags } from './flags.js';
import { bumpModseq, lockMailboxes } from './messages.js';
import { preparedList, preparedRanges } from './prepared.js';
import { uidFilter } from './ranges.js';
import type { DB } from './schema.js';

const selected = preparedRanges(1, (db, where, mailboxId: number) => db.selectFrom('messages').select(['id', 'uid', 'modseq', 'flags', 'keywords'])
  .where('mailbox_id', '=', mailboxId).where(where).orderBy('uid'));

const setFlags = preparedList(3, (db, ids, bits: number, keywords: string, modseq: number) => db.updateTable('messages')
  .set({ flags: bits, keywords, modseq }).where('id', 'in', ids));

export async function storeFlags(trx: Kysely<DB>, dialect: Dialect, mailboxId: number, uids: UidRanges, mode: FlagMode, flags: Flag[],
  unchangedSince?: number): Promise<StoreFlagsResult> {
  const f = uidFilter(uids);
  if (f.empty) return { updated: [], modified: [] };
  await lockMailboxes(trx, dialect, [mailboxId]);
  const rows = (await selected(trx, dialect, f, mailboxId)).filter((r) => f.exact || f.keep(Number(r.uid)));
  const change = encodeFlags(flags);
  const modified: number[] = [];
  const unchanged: MessageFlags[] = [];
  const groups = new Map<string, { next: StoredFlags; rows: Array<{ id: number; uid: number }> }>();
  for (const r of rows) {
    const uid = Number(r.uid);
    if (unchangedSince !== undefined && Number(r.modseq) > unchangedSince) {
      modified.push(uid);
      continue;
    }
    const cur = { bits: Number(r.flags), keywords: r.keywords };
    const next = applyFlags(cur, mode, change);
    if (sameFlags(cur, next)) {
      if (mode === 'replace') unchanged.push({ uid, modseq: Number(r.modseq), flags: decodeFlags(cur.bits, cur.keywords) });
      continue;
    }
    const k = `${next.bits}|${next.keywords}`;
    const g = groups.get(k) ?? { next, rows: [] };
    g.rows.push({ id: Number(r.id), uid });
    groups.set(k, g);
  }
  const updated: MessageFlags[] = [...unchanged];
  if (groups.size > 0) {
    const { modseq } = await bumpModseq(trx, dialect, mailboxId);
    for (const g of groups.values()) {
      for (const part of chunks(g.rows, 512)) {
        await setFlags(trx, dialect, padded(part.map((p) => p.id)), g.next.bits, g.next.keywords, modseq);
      }
      const list = decodeFlags(g.next.bits, g.next.keywords);
      for (const r of g.rows) updated.push({ uid: r.uid, modseq, flags: list.slice() });
    }
  }
  updated.sort((a, b) => a.uid - b.uid);
  return { updated, modified };
}
