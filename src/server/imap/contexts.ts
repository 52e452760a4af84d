/**
 * RFC 5267 §4 contexts: a SEARCH or SORT with RETURN (UPDATE) keeps its result, and the
 * client hears of every change to it as ESEARCH ADDTO / REMOVEFROM (§4.3), until
 * CANCELUPDATE or the mailbox is closed.
 *
 * Invariants (as Dovecot does it):
 *  - REMOVEFROM precedes the EXPUNGE of a message, with the numbers the client still holds;
 *    ADDTO follows the EXISTS that announced a new message.
 *  - SEARCH contexts report position 0; SORT contexts report positions in the sorted
 *    result: removals from the last position down, additions from the first up, so each
 *    position is right when the client applies them in order.
 *  - Results are re-evaluated at the points where the session may be told of changes
 *    (updates.ts), so a flag change made by this session is reported before its tagged OK.
 */
import { bad } from '../../protocol/imap/errors.js';
import { formatSet } from '../../protocol/imap/seqset.js';
import type { UpdateContext } from './context-state.js';
import { returnedModseq } from './search/esearch.js';
import { runSearch } from './search/run.js';
import { sortFound } from './search/sorted.js';
import type { SelectedMailbox } from './selected.js';
import type { Ctx } from './types.js';

/** The mailbox state each selected mailbox's contexts were last evaluated at. */
const refreshedAt = new WeakMap<SelectedMailbox, string>();

/** Contexts one selected mailbox may hold; more get NOUPDATE (RFC 5267 §4.3.1). */
export const MAX_CONTEXTS = 32;

/** Registers a context. Past the limit, RFC 5267 §4.3.1: an untagged NO [NOUPDATE "tag"]
 *  and no context; the command's other return options are still honoured. */
export function addContext(ctx: Ctx, sel: SelectedMailbox, c: UpdateContext): void {
  if (sel.contexts.some((x) => x.tag === c.tag)) throw bad('Duplicate search update tag');
  if (sel.contexts.length >= MAX_CONTEXTS) ctx.untagged(`NO [NOUPDATE ${quoted(c.tag)}] Too many contexts`);
  else sel.contexts.push(c);
}

/** CANCELUPDATE: false when a tag names no context. */
export function cancelContexts(sel: SelectedMailbox, tags: string[]): boolean {
  const known = tags.every((t) => sel.contexts.some((c) => c.tag === t));
  if (!known) return false;
  const drop = new Set(tags);
  const keep = sel.contexts.filter((c) => !drop.has(c.tag));
  sel.contexts.length = 0;
  sel.contexts.push(...keep);
  return true;
}

/** A tag as an IMAP quoted string (tags have no '"' or '\\', RFC 3501 §9 tag). */
function quoted(tag: string): string {
  return `"${tag}"`;
}

/** Runs of consecutive positions: [first position (1-based), uids]. */
function runs(list: number[], picked: Set<number>): Array<[number, number[]]> {
  const out: Array<[number, number[]]> = [];
  list.forEach((u, i) => {
    if (!picked.has(u)) return;
    const last = out[out.length - 1];
    if (last && last[0] + last[1].length === i + 1) last[1].push(u);
    else out.push([i + 1, [u]]);
  });
  return out;
}

function line(c: UpdateContext, verb: 'ADDTO' | 'REMOVEFROM', pairs: Array<[number, number[]]>, modseq: number | null = null): string {
  const body = pairs.map(([p, nums]) => `${p} ${formatSet(nums)}`).join(' ');
  return `ESEARCH (TAG ${quoted(c.tag)})${c.uid ? ' UID' : ''} ${verb} (${body})${modseq !== null ? ` MODSEQ ${modseq}` : ''}`;
}

/** The REMOVEFROM lines for `gone` (UIDs in the client's view, numbered by `seqOf`),
 *  and the contexts' results without them. */
function removals(c: UpdateContext, gone: Set<number>, seqOf: (uid: number) => number): string[] {
  if (!c.result.some((u) => gone.has(u))) return [];
  const num = (u: number) => (c.uid ? u : seqOf(u));
  let out: string[];
  if (c.criteria === null) {
    out = [line(c, 'REMOVEFROM', [[0, c.result.filter((u) => gone.has(u)).map(num).sort((a, b) => a - b)]])];
  } else {
    out = runs(c.result, gone).reverse().map(([p, uids]) => line(c, 'REMOVEFROM', [[p, uids.map(num)]]));
  }
  c.result = c.result.filter((u) => !gone.has(u));
  return out;
}

/** Before messages are reported expunged: REMOVEFROM with their current numbers. */
export function removeExpunged(sel: SelectedMailbox, uids: number[]): string[] {
  const gone = new Set(uids);
  return sel.contexts.flatMap((c) => removals(c, gone, (u) => sel.seqOf(u)));
}

/**
 * Re-evaluates every context after sync(): returns the lines to send before the sync's
 * own lines (REMOVEFROM, numbered by `oldUids`, the sequence map before sync) and after
 * them (ADDTO, numbered by the current map).
 */
export async function refreshContexts(ctx: Ctx, sel: SelectedMailbox, oldUids: number[]): Promise<{ before: string[]; after: string[] }> {
  const before: string[] = [];
  const after: string[] = [];
  // Every change to a message or to the set of messages takes a new MODSEQ (store/types.ts),
  // so an unchanged mark and message count mean the results are still right. Held-back
  // expunges leave the mailbox dirty: look again then.
  const mark = `${sel.knownModseq}/${sel.exists}`;
  if (!sel.dirty && refreshedAt.get(sel) === mark) return { before, after };
  refreshedAt.set(sel, mark);
  const oldSeq = new Map(oldUids.map((u, i) => [u, i + 1]));
  for (const c of sel.contexts) {
    const ordered = c.criteria ? await sortFound(ctx, sel, await runSearch(ctx, sel, c.key), c.criteria) : await runSearch(ctx, sel, c.key);
    const fresh = ordered.map((f) => f.uid);
    const now = new Set(fresh);
    const had = new Set(c.result);
    const gone = new Set(c.result.filter((u) => !now.has(u)));
    before.push(...removals(c, gone, (u) => oldSeq.get(u) ?? sel.seqOf(u)));
    const added = new Set(fresh.filter((u) => !had.has(u)));
    c.result = fresh;
    if (added.size === 0) continue;
    const num = (u: number) => (c.uid ? u : sel.seqOf(u));
    // RFC 7162 §3.1.5: a MODSEQ criterion reports the highest mod-sequence of what is returned.
    const modseq = returnedModseq(c.key, ordered.filter((f) => added.has(f.uid)), null, null);
    if (c.criteria === null) after.push(line(c, 'ADDTO', [[0, [...added].map(num).sort((a, b) => a - b)]], modseq));
    else after.push(...runs(fresh, added).map(([p, uids]) => line(c, 'ADDTO', [[p, uids.map(num)]], modseq)));
  }
  return { before, after };
}
