/**
 * Runs a search over the session's sequence map (shared by SEARCH and SORT): flags from the
 * store's flag rows, the full-text index for TEXT/BODY, the store's subject column for
 * SUBJECT, the summary numbers for sizes and dates (a whole mailbox in one read), metadata
 * rows read in batches only when a key needs them (evaluate.ts says which).
 */
import type { ParsedMessage } from '../../../mime/types.js';
import type { SearchKey } from '../../../protocol/imap/parse/search.js';
import type { MessageRow, MessageSummary } from '../../../store/types.js';
import { SelectedMailbox } from '../selected.js';
import type { Ctx } from '../types.js';
import { matches, needsMeta, needsSummary, requiredUids, subjectStrings, textStrings, type Candidate, type SearchEnv } from './evaluate.js';

const BATCH = 500;
/** Above this many candidates the summaries of the whole mailbox are read in one statement. */
const WHOLE = 2000;

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
    textHits: new Map(), subjectHits: new Map(),
  };
  for (const s of textStrings(key)) env.textHits.set(s, new Set(await mail.searchText(sel.id, s)));
  for (const s of subjectStrings(key)) env.subjectHits.set(s, new Set(await mail.searchSubject(sel.id, s)));
  const required = requiredUids(key, env);
  const candidates = sel.uids.filter((u) => current.has(u) && (!required || required.has(u)));
  const withMeta = needsMeta(key);
  const withSummary = needsSummary(key);
  const found: Found[] = [];
  const step = withMeta || (withSummary && candidates.length <= WHOLE) ? BATCH : Math.max(candidates.length, 1);
  const whole = withSummary && !withMeta && candidates.length > WHOLE
    ? new Map((await mail.getSummaries(sel.id, [[1, Infinity]])).map((s) => [s.uid, s])) : null;
  for (let i = 0; i < candidates.length; i += step) {
    const batch = candidates.slice(i, i + step);
    const ranges = SelectedMailbox.ranges(batch);
    const rows = withMeta ? await mail.getMessages(sel.id, ranges) : [];
    const byUid = new Map<number, MessageRow>(rows.map((r) => [r.uid, r]));
    const sums = whole ?? (withSummary ? new Map((await mail.getSummaries(sel.id, ranges)).map((s) => [s.uid, s])) : new Map<number, MessageSummary>());
    for (const u of batch) {
      const row = byUid.get(u) ?? null;
      const sum = sums.get(u) ?? null;
      const flags = current.get(u);
      if ((withMeta && !row) || (withSummary && !sum) || !flags) continue;
      const meta = row ? (JSON.parse(row.metadata) as ParsedMessage) : null;
      const c: Candidate = { seq: sel.seqOf(u), flags, sum, meta };
      if (matches(key, c, env)) found.push({ uid: u, seq: c.seq, modseq: flags.modseq });
    }
  }
  return found;
}
