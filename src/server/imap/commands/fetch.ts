/**
 * FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8; RFC 9051 §6.4.5) with CHANGEDSINCE and
 * VANISHED (RFC 7162 §3.1.4, §3.2.6). Flags-only fetches read the light flag rows; others
 * read full rows in batches, so memory stays bounded for `1:*` on a large mailbox. A
 * non-PEEK body fetch sets \Seen first (RFC 3501 §6.4.5) unless the mailbox is read-only.
 */
import { bad, no } from '../../../protocol/imap/errors.js';
import { readFetchArgs, type FetchArgs } from '../../../protocol/imap/parse/fetch.js';
import { readSeqSet, resolveRanges, inRanges, formatSet, type SeqSet } from '../../../protocol/imap/seqset.js';
import type { MessageFlags, MessageRow } from '../../../store/types.js';
import { enableCondstore } from '../condstore.js';
import { publish } from '../expunging.js';
import { needsRow, renderFetch } from '../fetch/render.js';
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
    let uids = sel.resolve(set, uid, ctx.savedSearch);
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
    const withModseq = args.changedSince !== null;
    const opts = { utf8: ctx.utf8 };
    const current = rowNeeded ? null : new Map((await mail.listFlags(sel.id)).map((f) => [f.uid, f]));
    if (args.changedSince !== null) {
      const since = args.changedSince;
      const mod = current ?? new Map((await mail.listFlags(sel.id)).map((f) => [f.uid, f]));
      uids = uids.filter((u) => (mod.get(u)?.modseq ?? 0) > since);
    }
    if (!rowNeeded && current) {
      await flagsOnly(ctx, sel, uids, current, args, uid, withModseq);
      return ok('FETCH completed');
    }
    for (let i = 0; i < uids.length; i += BATCH) {
      const batch = uids.slice(i, i + BATCH);
      const rows = rowNeeded ? await mail.getMessages(sel.id, SelectedMailbox.ranges(batch)) : null;
      const byUid = new Map<number, MessageRow>((rows ?? []).map((r) => [r.uid, r]));
      for (const u of batch) {
        const row = byUid.get(u) ?? null;
        const flags: MessageFlags | undefined = row ? { uid: u, modseq: row.modseq, flags: row.flags } : current?.get(u);
        const seq = sel.seqOf(u);
        // RFC 2180 §4.1.2: a message expunged by another session is skipped until reported.
        if (!flags || seq === 0 || (rowNeeded && !row)) continue;
        for (const line of sel.announceKeywords(flags.flags, SYSTEM_FLAGS)) ctx.untagged(line);
        const out = await renderFetch(ctx.env.store.blobs, {
          seq, flags, row, items: args.items, withUid: uid, withModseq, flagsChanged: seenNow.has(u),
          shownFlags: sel.shown(flags, ctx.enabled.has('IMAP4REV2')),
        }, opts);
        ctx.untagged(out);
      }
      await ctx.drain();
    }
    return ok('FETCH completed');
  },
});

/** The fast path for FETCH of FLAGS, UID and MODSEQ only: lines built as text, written in blocks. */
async function flagsOnly(ctx: Ctx, sel: SelectedMailbox, uids: number[], current: Map<number, MessageFlags>, args: FetchArgs, uid: boolean, withModseq: boolean): Promise<void> {
  const rev2 = ctx.enabled.has('IMAP4REV2');
  let lines: string[] = [];
  for (const u of uids) {
    const f = current.get(u);
    const seq = sel.seqOf(u);
    if (!f || seq === 0) continue;
    const parts: string[] = [];
    if (uid && !args.items.some((i) => i.kind === 'uid')) parts.push(`UID ${u}`);
    for (const item of args.items) {
      if (item.kind === 'uid') parts.push(`UID ${u}`);
      else if (item.kind === 'flags') parts.push(`FLAGS (${sel.shown(f, rev2).join(' ')})`);
      else if (item.kind === 'modseq') parts.push(`MODSEQ (${f.modseq})`);
    }
    if (withModseq && !args.items.some((i) => i.kind === 'modseq')) parts.push(`MODSEQ (${f.modseq})`);
    if (args.items.some((i) => i.kind === 'flags')) lines.push(...sel.announceKeywords(f.flags, SYSTEM_FLAGS));
    lines.push(`${seq} FETCH (${parts.join(' ')})`);
    if (lines.length >= 1000) {
      ctx.untaggedMany(lines);
      lines = [];
      await ctx.drain();
    }
  }
  ctx.untaggedMany(lines);
}

/** Sets \Seen on the messages that lack it; returns the UIDs whose flags changed. */
async function markSeen(ctx: Ctx, sel: SelectedMailbox, uids: number[]): Promise<Set<number>> {
  const unseen = uids.filter((u) => !(sel.flagsOf(u)?.flags ?? []).some((f) => f.toLowerCase() === '\\seen'));
  if (unseen.length === 0) return new Set();
  const res = await ctx.env.store.mail.storeFlags(sel.id, SelectedMailbox.ranges(unseen), 'add', ['\\Seen']);
  sel.update(res.updated);
  await publish(ctx, sel, 'flags', res.updated.map((m) => m.uid));
  return new Set(res.updated.map((m) => m.uid));
}
