/**
 * Runs a search over the session's sequence map (shared by SEARCH and SORT): flags from the
 * store's flag rows, the full-text index for TEXT/BODY/SUBJECT, metadata rows read in
 * batches only when a key needs them (evaluate.ts says which).
 */
import type { ParsedMessage } from '../../../mime/types.js';
import type { SearchKey } from '../../../protocol/imap/parse/search.js';
import type { MessageRow } from '../../../store/types.js';
import { SelectedMailbox } from '../selected.js';
import type { Ctx } from '../types.js';
import { matches, needsRow, requiredUids, textStrings, type Candidate, type SearchEnv } from './evaluate.js';

const BATCH = 500;

export interface Found {
  uid: number;
  seq: number;
  modseq: number;
}

export async function runSearch(ctx: Ctx, sel: SelectedMailbox, key: SearchKey): Promise<Found[]> {
  const mail = ctx.env.store.mail;
  const current = new Map((await mail.listFlags(sel.id)).map((f) => [f.uid, f]));
  const env: SearchEnv = {
    exists: sel.exists, maxUid: sel.uids[sel.uids.length - 1] ?? 0, saved: ctx.savedSearch, now: Date.now(), recent: sel.recent,
    textHits: new Map(),
  };
  for (const s of textStrings(key)) env.textHits.set(s, new Set(await mail.searchText(sel.id, s)));
  const required = requiredUids(key, env);
  const candidates = sel.uids.filter((u) => current.has(u) && (!required || required.has(u)));
  const withRow = needsRow(key);
  const withMeta = needsMeta(key);
  const found: Found[] = [];
  const step = withRow ? BATCH : Math.max(candidates.length, 1);
  for (let i = 0; i < candidates.length; i += step) {
    const batch = candidates.slice(i, i + step);
    const rows = withRow ? await mail.getMessages(sel.id, SelectedMailbox.ranges(batch)) : [];
    const byUid = new Map<number, MessageRow>(rows.map((r) => [r.uid, r]));
    for (const u of batch) {
      const row = byUid.get(u) ?? null;
      const flags = current.get(u);
      if ((withRow && !row) || !flags) continue;
      const meta = withMeta && row ? (JSON.parse(row.metadata) as ParsedMessage) : null;
      const c: Candidate = { seq: sel.seqOf(u), flags, row, meta };
      if (matches(key, c, env)) found.push({ uid: u, seq: c.seq, modseq: flags.modseq });
    }
  }
  return found;
}

function needsMeta(key: SearchKey): boolean {
  switch (key.kind) {
    case 'header': case 'body': return true;
    case 'date': return key.field === 'sent';
    case 'not': return needsMeta(key.key);
    case 'or': return needsMeta(key.a) || needsMeta(key.b);
    case 'and': return key.keys.some(needsMeta);
    default: return false;
  }
}
