/**
 * Expunging in the selected mailbox, shared by EXPUNGE, UID EXPUNGE (RFC 4315 §2.1), CLOSE
 * and MOVE: removes the messages in the store, publishes the change, and (unless silent, as
 * for CLOSE, RFC 3501 §6.4.2) reports them — EXPUNGE per message in ascending order with the
 * running shift, or one VANISHED under QRESYNC (RFC 7162 §3.2.10).
 */
import { formatSet } from '../../protocol/imap/seqset.js';
import { removeExpunged } from './contexts.js';
import type { SelectedMailbox } from './selected.js';
import type { Ctx } from './types.js';

export async function reportExpunged(ctx: Ctx, sel: SelectedMailbox, uids: number[]): Promise<void> {
  const known = uids.filter((u) => sel.seqOf(u) > 0).sort((a, b) => a - b);
  if (known.length === 0) return;
  // RFC 5267 §4.3: contexts drop them first, while their numbers are still the client's.
  for (const l of removeExpunged(sel, known)) ctx.untagged(l);
  if (ctx.enabled.has('QRESYNC')) ctx.untagged(`VANISHED ${formatSet(known)}`);
  else known.forEach((u, i) => ctx.untagged(`${sel.seqOf(u) - i} EXPUNGE`));
  sel.removeUids(known);
}

/** Publishes a change of the selected mailbox with its MODSEQ: `modseq` when the caller
 *  knows it (a flag change's, from the rows it changed), else the mailbox's HIGHESTMODSEQ
 *  read after the change. Every caller has shown the change to its client already. */
export async function publish(ctx: Ctx, sel: SelectedMailbox, type: 'expunge' | 'flags', uids: number[], modseq?: number): Promise<void> {
  if (uids.length === 0) return;
  const seq = modseq ?? (await ctx.env.store.mail.getMailboxById(sel.id))?.highestModseq ?? 0;
  sel.absorbOwn(seq, uids);
  await ctx.env.bus.publish({ type, accountId: sel.mailbox.accountId, mailboxId: sel.id, uids, modseq: seq });
}

/** The highest MODSEQ of changed messages (0 for none). */
export function highestOf(rows: ReadonlyArray<{ modseq: number }>): number {
  let max = 0;
  for (const r of rows) if (r.modseq > max) max = r.modseq;
  return max;
}
