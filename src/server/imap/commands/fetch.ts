/**
 * FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8; RFC 9051 §6.4.5) with CHANGEDSINCE and
 * VANISHED (RFC 7162 §3.1.4, §3.2.6) and PARTIAL (RFC 9394 §4). Flags-only fetches stream the light flag rows a page
 * at a time (flag-pages.ts) and write each page's responses in one block; others read full
 * rows in batches, so memory stays bounded for `1:*` on a large mailbox. A
 * non-PEEK body fetch sets \Seen first (RFC 3501 §6.4.5) unless the mailbox is read-only.
 */
import { bad, no } from '../../../protocol/imap/errors.js';
import { readFetchArgs, type FetchArgs } from '../../../protocol/imap/parse/fetch.js';
import { partialWindow, type PartialRange } from '../../../protocol/imap/parse/return-opts.js';
import { readSeqSet, resolveRanges, inRanges, formatSet, type SeqSet } from '../../../protocol/imap/seqset.js';
import type { MessageFlags } from '../../../store/types.js';
import { enableCondstore } from '../condstore.js';
import { highestOf, publish } from '../expunging.js';
import { flagPages } from '../flag-pages.js';
import { needsMetadata, needsRow, renderFetch } from '../fetch/render.js';
import { fetchRows, type FetchRow } from '../fetch/rows.js';
import { SelectedMailbox, SYSTEM_FLAGS } from '../selected.js';
import { defineCommand, ok, type Ctx } from '../types.js';

const BATCH = 256;

export const fetch = defineCommand({
  name: 'FETCH',
  states: ['selected'],
  uid: true,
  parse(r): { set: SeqSet; args: FetchArgs } {
    r.sp();
    const set = readSeqSet(r);
    return { set, args: readFetchArgs(r) };
  },
  async handle(ctx, { set, args }, { uid }) {
    if (ctx.state.kind !== 'selected') throw no('No mailbox selected');
    const sel = ctx.state.mailbox;
    if (args.vanished && (!uid || !ctx.enabled.has('QRESYNC'))) throw bad('VANISHED needs UID FETCH and QRESYNC');
    if (args.changedSince !== null || args.items.some((i) => i.kind === 'modseq')) enableCondstore(ctx);
    const named = sel.resolve(set, uid, ctx.savedSearch);
    const uids = args.partial ? await partial(ctx, sel, named, args) : named;
    const mail = ctx.env.store.mail;
    if (args.vanished && args.changedSince !== null && set.kind === 'ranges') {
      const box = await mail.getMailboxById(sel.id);
      const asked = resolveRanges(set.ranges, Math.max(0, (box?.uidNext ?? 1) - 1));
      const { expunged } = await mail.changesSince(sel.id, args.changedSince);
      const gone = expunged.filter((u) => inRanges(asked, u)).sort((a, b) => a - b);
      if (gone.length > 0) ctx.untagged(`VANISHED (EARLIER) ${formatSet(gone)}`);
    }
    if (uids.length === 0) return ok('FETCH completed');
    const setsSeen = !sel.readOnly && args.items.some((i) => i.kind === 'section' && !i.peek);
    const seenNow = setsSeen ? await markSeen(ctx, sel, uids) : new Set<number>();
    const rowNeeded = args.items.some(needsRow);
    const metaNeeded = args.items.some(needsMetadata);
    const withModseq = args.changedSince !== null;
    const opts = { utf8: ctx.utf8 };
    if (!rowNeeded) {
      await flagsOnly(ctx, sel, uids, args, uid, withModseq);
      return ok('FETCH completed');
    }
    for (let i = 0; i < uids.length; i += BATCH) {
      const batch = uids.slice(i, i + BATCH);
      const rows = await fetchRows(mail, sel.id, SelectedMailbox.ranges(batch), metaNeeded);
      const byUid = new Map<number, FetchRow>(rows.map((r) => [r.uid, r]));
      for (const u of batch) {
        const row = byUid.get(u);
        const seq = sel.seqOf(u);
        // RFC 2180 §4.1.2: a message expunged by another session is skipped until reported.
        if (!row || seq === 0) continue;
        if (args.changedSince !== null && row.modseq <= args.changedSince) continue;
        const flags: MessageFlags = { uid: u, modseq: row.modseq, flags: row.flags };
        for (const line of sel.announceKeywords(flags.flags, SYSTEM_FLAGS)) ctx.untagged(line);
        const rendered = renderFetch(ctx.env.store.blobs, {
          seq, flags, row, items: args.items, withUid: uid, withModseq, flagsChanged: seenNow.has(u),
          shownFlags: sel.shown(flags, ctx.enabled.has('IMAP4REV2')),
        }, opts);
        // awaited only when a section had to read the message
        ctx.untagged(rendered instanceof Promise ? await rendered : rendered);
      }
      await ctx.drain();
    }
    return ok('FETCH completed');
  },
});

/** The fast path for FETCH of FLAGS, UID and MODSEQ only: flag rows streamed a page at a
 *  time, each page's lines built as text and written in one block. */
async function flagsOnly(ctx: Ctx, sel: SelectedMailbox, uids: number[], args: FetchArgs, uid: boolean, withModseq: boolean): Promise<void> {
  const rev2 = ctx.enabled.has('IMAP4REV2');
  const kinds = args.items.map((i) => i.kind);
  const leadUid = uid && !kinds.includes('uid');
  const trailModseq = withModseq && !kinds.includes('modseq');
  const withFlags = kinds.includes('flags');
  const since = args.changedSince;
  for await (const page of flagPages(ctx.env.store.mail, sel.id, uids)) {
    const lines: string[] = [];
    for (const f of page) {
      if (since !== null && f.modseq <= since) continue;
      const seq = sel.seqOf(f.uid);
      if (seq === 0) continue;
      let line = `${seq} FETCH (`;
      let sep = '';
      if (leadUid) {
        line += `UID ${f.uid}`;
        sep = ' ';
      }
      for (const kind of kinds) {
        if (kind === 'uid') line += `${sep}UID ${f.uid}`;
        else if (kind === 'flags') line += `${sep}FLAGS (${sel.shown(f, rev2).join(' ')})`;
        else if (kind === 'modseq') line += `${sep}MODSEQ (${f.modseq})`;
        sep = ' ';
      }
      if (trailModseq) line += `${sep}MODSEQ (${f.modseq})`;
      if (withFlags && f.flags.length > 0) lines.push(...sel.announceKeywords(f.flags, SYSTEM_FLAGS));
      lines.push(`${line})`);
    }
    ctx.untaggedMany(lines);
    await ctx.drain();
  }
}

/** RFC 9394 §4: the messages of the set (those CHANGEDSINCE leaves, when given) at the
 *  positions the partial-range names, in UID order. */
async function partial(ctx: Ctx, sel: SelectedMailbox, uids: number[], args: FetchArgs): Promise<number[]> {
  const since = args.changedSince;
  let list = uids;
  if (since !== null) {
    list = [];
    for await (const page of flagPages(ctx.env.store.mail, sel.id, uids)) for (const f of page) if (f.modseq > since) list.push(f.uid);
  }
  return partialWindow(list, args.partial as PartialRange);
}

/** Sets \Seen on the messages that lack it; returns the UIDs whose flags changed. */
async function markSeen(ctx: Ctx, sel: SelectedMailbox, uids: number[]): Promise<Set<number>> {
  // The store changes (and reports) only the messages that lacked \Seen.
  const res = await ctx.env.store.mail.storeFlags(sel.id, SelectedMailbox.ranges(uids), 'add', ['\\Seen']);
  sel.update(res.updated);
  await publish(ctx, sel, 'flags', res.updated.map((m) => m.uid), highestOf(res.updated));
  return new Set(res.updated.map((m) => m.uid));
}
