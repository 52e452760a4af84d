/**
 * STORE and UID STORE (RFC 3501 §6.4.6, RFC 9051 §6.4.6) with UNCHANGEDSINCE (RFC 7162
 * §3.1.3). Without .SILENT every message of the set gets a FETCH with its flags; with
 * UNCHANGEDSINCE every updated message gets one with MODSEQ even when silent, and those
 * that failed the test are listed in [MODIFIED] (sequence numbers, or UIDs for UID STORE).
 */
import { no } from '../../../protocol/imap/errors.js';
import { readStoreArgs, type StoreArgs } from '../../../protocol/imap/parse/args.js';
import { formatSet } from '../../../protocol/imap/seqset.js';
import { flagList } from '../../../protocol/imap/writer.js';
import type { MessageFlags } from '../../../store/types.js';
import { enableCondstore } from '../condstore.js';
import { highestOf, publish } from '../expunging.js';
import { flagsOf } from '../flag-pages.js';
import { SelectedMailbox, SYSTEM_FLAGS } from '../selected.js';
import { defineCommand, ok } from '../types.js';

export const store = defineCommand({
  name: 'STORE',
  states: ['selected'],
  uid: true,
  parse: (r): StoreArgs => readStoreArgs(r),
  async handle(ctx, args, { uid }) {
    if (ctx.state.kind !== 'selected') throw no('No mailbox selected');
    const sel = ctx.state.mailbox;
    if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
    if (args.unchangedSince !== null) enableCondstore(ctx);
    const uids = sel.resolve(args.set, uid, ctx.savedSearch);
    if (uids.length === 0) return ok('STORE completed');
    const res = await ctx.env.store.mail.storeFlags(sel.id, SelectedMailbox.ranges(uids), args.mode, args.flags, args.unchangedSince ?? undefined);
    sel.update(res.updated);
    await publish(ctx, sel, 'flags', res.updated.map((m) => m.uid), highestOf(res.updated));
    const condstore = ctx.enabled.has('CONDSTORE');
    const updated = new Map<number, MessageFlags>(res.updated.map((m) => [m.uid, m]));
    const failed = new Set(res.modified);
    // Messages the STORE left as they were are reported too (RFC 3501 §6.4.6): read their flags.
    const same = args.silent ? [] : uids.filter((u) => !updated.has(u) && !failed.has(u));
    const current = await flagsOf(ctx.env.store.mail, sel.id, same);
    for (const u of uids) {
      const seq = sel.seqOf(u);
      if (seq === 0 || failed.has(u)) continue;
      const m = updated.get(u) ?? current.get(u);
      if (!m) continue;
      const items: string[] = [];
      if (uid) items.push(`UID ${u}`);
      if (!args.silent) items.push(`FLAGS ${flagList(sel.shown(m, ctx.enabled.has('IMAP4REV2')))}`);
      if (condstore && (!args.silent || (args.unchangedSince !== null && updated.has(u)))) items.push(`MODSEQ (${m.modseq})`);
      if (!args.silent) for (const line of sel.announceKeywords(m.flags, SYSTEM_FLAGS)) ctx.untagged(line);
      if (!args.silent || items.some((i) => i.startsWith('MODSEQ'))) ctx.untagged(`${seq} FETCH (${items.join(' ')})`);
    }
    if (res.modified.length > 0) {
      const list = uid ? res.modified : res.modified.map((u) => sel.seqOf(u)).filter((s) => s > 0);
      return ok('Conditional STORE failed for some messages', `MODIFIED ${formatSet([...list].sort((a, b) => a - b))}`);
    }
    return ok('STORE completed');
  },
});
