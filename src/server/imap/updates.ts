/** Sends the selected mailbox's pending changes as untagged responses (rules in selected.ts),
 *  with the ADDTO/REMOVEFROM of its RFC 5267 contexts around them (contexts.ts); ends the
 *  session when the mailbox itself is gone. */
import { refreshContexts } from './contexts.js';
import type { Ctx } from './types.js';

export async function sendUpdates(ctx: Ctx, allowExpunge: boolean): Promise<void> {
  if (ctx.state.kind !== 'selected') return;
  const sel = ctx.state.mailbox;
  const oldUids = sel.contexts.length > 0 ? [...sel.uids] : null;
  const lines = await sel.sync({
    allowExpunge,
    condstore: ctx.enabled.has('CONDSTORE') || ctx.enabled.has('QRESYNC'),
    qresync: ctx.enabled.has('QRESYNC'),
    rev2: ctx.enabled.has('IMAP4REV2'),
  });
  const around = oldUids && !sel.deleted ? await refreshContexts(ctx, sel, oldUids) : { before: [], after: [] };
  for (const l of [...around.before, ...lines, ...around.after]) ctx.untagged(l);
  if (sel.deleted) ctx.close('Selected mailbox was deleted, have to disconnect');
}
