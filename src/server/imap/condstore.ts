/**
 * CONDSTORE enabling (RFC 7162 §3.1): the first CONDSTORE-enabling command (FETCH MODSEQ or
 * CHANGEDSINCE, STORE UNCHANGEDSINCE, SEARCH MODSEQ, ENABLE CONDSTORE) switches MODSEQ
 * reporting on for the session and, with a mailbox selected, reports its HIGHESTMODSEQ
 * (RFC 7162 §3.1.2.1 / §3.1: "OK [HIGHESTMODSEQ]" at the first such command).
 */
import type { Ctx } from './types.js';

export function enableCondstore(ctx: Ctx): void {
  if (ctx.enabled.has('CONDSTORE')) return;
  ctx.enabled.add('CONDSTORE');
  if (ctx.state.kind === 'selected') ctx.untagged(`OK [HIGHESTMODSEQ ${ctx.state.mailbox.knownModseq}] Highest`);
}
