/**
 * SELECT and EXAMINE (RFC 3501 §6.3.1–2, RFC 9051 §6.3.2–3) with CONDSTORE and QRESYNC
 * parameters (RFC 7162 §3.1.8, §3.2.5). A previously selected mailbox is closed first, with
 * [CLOSED] (RFC 7162 §3.2.11); if the new one cannot be opened the session stays
 * authenticated (RFC 3501 §6.3.1).
 */
import { readMailbox, readSelectParams, type SelectArgs } from '../../../protocol/imap/parse/args.js';
import { bad } from '../../../protocol/imap/errors.js';
import { formatSet, inRanges, resolveRanges } from '../../../protocol/imap/seqset.js';
import { flagList, Out } from '../../../protocol/imap/writer.js';
import { requireMailbox } from '../mailboxes.js';
import { SelectedMailbox } from '../selected.js';
import { onIdleChange } from './idle.js';
import { defineCommand, ok, type Ctx, type RegisteredCommand } from '../types.js';

import { SYSTEM_FLAGS } from '../selected.js';
export { SYSTEM_FLAGS };

function selectCommand(name: 'SELECT' | 'EXAMINE'): RegisteredCommand {
  return defineCommand({
    name,
    states: ['authenticated', 'selected'],
    parse(r, ctx): { mailbox: string; params: SelectArgs } {
      r.sp();
      const mailbox = readMailbox(r, ctx.utf8);
      return { mailbox, params: readSelectParams(r) };
    },
    async handle(ctx, { mailbox, params }) {
      if (params.qresync && !ctx.enabled.has('QRESYNC')) throw bad('QRESYNC is not enabled');
      if (ctx.state.kind === 'selected') {
        ctx.state.mailbox.close();
        ctx.state = { kind: 'authenticated', account: ctx.state.account };
        ctx.untagged('OK [CLOSED] Previous mailbox closed');
      }
      if (ctx.state.kind !== 'authenticated') throw bad('Not authenticated');
      const box = await requireMailbox(ctx, mailbox);
      if (params.condstore) ctx.enabled.add('CONDSTORE');
      const readOnly = name === 'EXAMINE';
      const sel = await SelectedMailbox.open(ctx.env.store.mail, ctx.env.bus, ctx.env.recent, box, readOnly, () => onIdleChange(ctx));
      ctx.state = { kind: 'selected', account: ctx.state.account, mailbox: sel };
      ctx.savedSearch = [];
      await describe(ctx, sel, params);
      return ok(`${name} completed`, readOnly ? 'READ-ONLY' : 'READ-WRITE');
    },
  });
}

async function describe(ctx: Ctx, sel: SelectedMailbox, params: SelectArgs): Promise<void> {
  const keywords = sel.opened.keywords;
  sel.keywordsAnnounced(keywords);
  const flags = [...SYSTEM_FLAGS, ...keywords];
  ctx.untagged(`FLAGS ${flagList(flags)}`);
  const permanent = sel.readOnly ? '()' : flagList([...flags, '\\*']);
  ctx.untagged(`OK [PERMANENTFLAGS ${permanent}] Flags permitted`);
  ctx.untagged(`${sel.exists} EXISTS`);
  const rev2 = ctx.enabled.has('IMAP4REV2');
  if (!rev2) {
    ctx.untagged(`${sel.recent.size} RECENT`);
    const firstUnseen = sel.seqOf(sel.opened.firstUnseen);
    if (firstUnseen > 0) ctx.untagged(`OK [UNSEEN ${firstUnseen}] First unseen`);
  }
  const box = (await ctx.env.store.mail.getMailboxById(sel.id)) ?? sel.mailbox;
  ctx.untagged(`OK [UIDVALIDITY ${box.uidValidity}] UIDs valid`);
  ctx.untagged(`OK [UIDNEXT ${box.uidNext}] Predicted next UID`);
  ctx.untagged(`OK [HIGHESTMODSEQ ${sel.knownModseq}] Highest`);
  if (rev2) ctx.untagged(new Out().raw('LIST () "/" ').mailbox(box.name, { utf8: ctx.utf8 }));
  const q = params.qresync;
  // RFC 7162 §3.2.5.1: with a matching UIDVALIDITY, report what changed since the client's modseq.
  if (q && q.uidValidity === box.uidValidity) {
    const { changed, expunged } = await ctx.env.store.mail.changesSince(sel.id, q.modseq);
    const k = q.knownUids;
    const known = k && k.kind === 'ranges' ? resolveRanges(k.ranges, box.uidNext) : null;
    const gone = expunged.filter((u) => !known || inRanges(known, u)).sort((a, b) => a - b);
    if (gone.length > 0) ctx.untagged(`VANISHED (EARLIER) ${formatSet(gone)}`);
    for (const row of changed) {
      const seq = sel.seqOf(row.uid);
      if (seq > 0) ctx.untagged(`${seq} FETCH (UID ${row.uid} FLAGS ${flagList(sel.shown(row, rev2))} MODSEQ (${row.modseq}))`);
    }
  }
}

export const select = selectCommand('SELECT');
export const examine = selectCommand('EXAMINE');
