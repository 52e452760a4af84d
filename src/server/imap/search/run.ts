/**
 * Runs a search over the session's sequence map (shared by SEARCH and SORT): flags from the
 * store's flag rows only when a key tests flags or MODSEQ (otherwise the only question is
 * which mapped messages still exist: the expunges since the session's mark), the full-text
 * index for TEXT/BODY, the store's subject column for
 * SUBJECT, the summary numbers for sizes and dates (a whole mailbox in one read), metadata
 * rows read in batches only when a key needs them (evaluate.ts says which).
 */
import type { ParsedMessage } from '../../../mime/types.js';
import type { SearchKey } from '../../../protocol/imap/parse/search.js';
import type { MessageFlags, MessageRow, MessageSummary } from '../../../store/types.js';
import { SelectedMailbox } from '../selected.js';
import { bodyTextOf } from './body-text.js';
import type { Ctx } from '../types.js';
import { matches, needsBodyText, needsFlags, needsMeta, needsSummary, requiredUids, subjectStrings, textStrings, type Candidate, type SearchEnv } from './evaluate.js';

const BATCH = 500;
const NO_FLAGS: string[] = [];
/** Above this many candidates the summaries of the whole mailbox are read in one statement. */
const WHOLE = 2000;

export interface Found {
  uid: number;
  seq: number;
  modseq: number;
}

export async function runSearch(ctx: Ctx, sel: SelectedMailbox, key: SearchKey): Promise<Found[]> {
  const mail = ctx.env.store.mail;
  const withFlags = needsFlags(key);
  const current = withFlags ? new Map((await mail.listFlags(sel.id)).map((f) => [f.uid, f])) : null;
  const gone = withFlags ? null : new Set((await mail.changesSince(sel.id, sel.knownModseq)).expunged);
  const exists = (u: number) => (current ? current.has(u) : !(gone as Set<number>).has(u));
  // Without flag keys one flags object serves every candidate (matches() reads only its uid).
  const blank: MessageFlags = { uid: 0, modseq: 0, flags: NO_FLAGS };
  const flagsOf = (u: number): MessageFlags | undefined => {
    if (current) return current.get(u);
    blank.uid = u;
    return blank;
  };
  const env: SearchEnv = {
    exists: sel.exists, maxUid: sel.uids[sel.uids.length - 1] ?? 0, saved: ctx.savedSearch, now: Date.now(), recent: sel.recent,
    textHits: new Map(), subjectHits: new Map(),
  };
  for (const s of textStrings(key)) env.textHits.set(s, new Set(await mail.searchText(sel.id, s)));
  for (const s of subjectStrings(key)) env.subjectHits.set(s, new Set(await mail.searchSubject(sel.id, s)));
  const required = requiredUids(key, env);
  // Candidates as positions in the session's map: sequence number = position + 1.
  const candidates: number[] = [];
  for (let k = 0; k < sel.uids.length; k++) {
    const u = sel.uids[k];
    if (exists(u) && (!required || required.has(u))) candidates.push(k);
  }
  const withMeta = needsMeta(key);
  const withSummary = needsSummary(key);
  const found: Found[] = [];
  const whole = withSummary && !withMeta && candidates.length > WHOLE
    ? new Map((await mail.getSummaries(sel.id, [[1, Infinity]])).map((s) => [s.uid, s])) : null;
  const perBatch = withMeta || (withSummary && !whole);
  const step = perBatch ? BATCH : Math.max(candidates.length, 1);
  for (let i = 0; i < candidates.length; i += step) {
    const batch = candidates.slice(i, i + step);
    const ranges = perBatch ? SelectedMailbox.ranges(batch.map((k) => sel.uids[k])) : [];
    const rows = withMeta ? await mail.getMessages(sel.id, ranges) : [];
    const byUid = new Map<number, MessageRow>(rows.map((r) => [r.uid, r]));
    const sums = whole ?? (withSummary ? new Map((await mail.getSummaries(sel.id, ranges)).map((s) => [s.uid, s])) : new Map<number, MessageSummary>());
    for (const k of batch) {
      const u = sel.uids[k];
      const row = byUid.get(u) ?? null;
      const sum = sums.get(u) ?? null;
      const flags = flagsOf(u);
      if ((withMeta && !row) || (withSummary && !sum) || !flags) continue;
      const meta = row ? (JSON.parse(row.metadata) as ParsedMessage) : null;
      if (row && meta && needsBodyText(key, meta, u, env)) meta.text = await bodyTextOf(ctx.env.store.blobs, row);
      const c: Candidate = { seq: k + 1, flags, sum, meta };
      if (key.kind === 'all' || matches(key, c, env)) found.push({ uid: u, seq: k + 1, modseq: flags.modseq });
    }
  }
  return found;
}
