/** Sends the selected mailbox's pending changes as untagged responses (rules in selected.ts);
 *  ends the session when the mailbox itself is gone. */
import type { Ctx } from './types.js';

export async function sendUpdates(ctx: Ctx, allowExpunge: boolean): Promise<void> {
  if (ctx.state.kind !== 'selected') return;
  const lines = await ctx.state.mailbox.sync({
    allowExpunge,
    condstore: ctx.enabled.has('CONDSTORE') || ctx.enabled.has('QRESYNC'),
    qresync: ctx.enabled.has('QRESYNC'),
    rev2: ctx.enabled.has('IMAP4REV2'),
  });
  for (const l of lines) ctx.untagged(l);
  if (ctx.state.mailbox.deleted) ctx.close('Selected mailbox was deleted, have to disconnect');
}
