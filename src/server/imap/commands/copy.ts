/**
 * COPY / UID COPY (RFC 3501 §6.4.7) and MOVE / UID MOVE (RFC 6851), answering COPYUID
 * (RFC 4315 §3). A missing target gets NO [TRYCREATE]. MOVE sends COPYUID in an untagged OK
 * before the expunges of the moved messages (RFC 6851 §4.3); both are one store transaction.
 */
import { no } from '../../../protocol/imap/errors.js';
import { readCopyArgs } from '../../../protocol/imap/parse/args.js';
import { formatSet, type SeqSet } from '../../../protocol/imap/seqset.js';
import { publish, reportExpunged } from '../expunging.js';
import { requireMailbox } from '../mailboxes.js';
import { SelectedMailbox } from '../selected.js';
import { defineCommand, ok, type Completion, type Ctx, type RegisteredCommand } from '../types.js';

function copyCommand(name: 'COPY' | 'MOVE'): RegisteredCommand {
  return defineCommand({
    name,
    states: ['selected'],
    uid: true,
    parse: (r, ctx): { set: SeqSet; mailbox: string } => readCopyArgs(r, ctx.utf8),
    handle: (ctx, args, meta) => run(ctx, name, args, meta.uid),
  });
}

async function run(ctx: Ctx, name: 'COPY' | 'MOVE', args: { set: SeqSet; mailbox: string }, uid: boolean): Promise<Completion> {
  if (ctx.state.kind !== 'selected') throw no('No mailbox selected');
  const sel = ctx.state.mailbox;
  if (name === 'MOVE' && sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
  const uids = sel.resolve(args.set, uid, ctx.savedSearch);
  const dest = await requireMailbox(ctx, args.mailbox, 'TRYCREATE');
  if (uids.length === 0) return ok(`${name} completed`);
  const mail = ctx.env.store.mail;
  const ranges = SelectedMailbox.ranges(uids);
  const pairs = name === 'MOVE' ? await mail.move(sel.id, ranges, dest.id) : await mail.copy(sel.id, ranges, dest.id);
  if (pairs.length > 0) {
    const last = pairs[pairs.length - 1][1];
    const box = await mail.getMailboxById(dest.id);
    await ctx.env.bus.publish({ type: 'append', accountId: dest.accountId, mailboxId: dest.id, uid: last, modseq: box?.highestModseq ?? 0 });
  }
  const code = pairs.length > 0
    ? `COPYUID ${dest.uidValidity} ${formatSet(pairs.map((p) => p[0]))} ${formatList(pairs.map((p) => p[1]))}`
    : undefined;
  if (name === 'COPY') return ok('COPY completed', code);
  if (code) ctx.untagged(`OK [${code}] Moved`);
  const moved = pairs.map((p) => p[0]);
  await reportExpunged(ctx, sel, moved);
  await publish(ctx, sel, 'expunge', moved);
  return ok('MOVE completed');
}

/** Destination UIDs in the order of the source set (RFC 4315 §3: the sets correspond pairwise). */
function formatList(uids: number[]): string {
  const sorted = [...uids].every((u, i) => i === 0 || u > uids[i - 1]);
  return sorted ? formatSet(uids) : uids.join(',');
}

export const copy = copyCommand('COPY');
export const move = copyCommand('MOVE');
