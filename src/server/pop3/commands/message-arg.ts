/**
 * The message-number argument shared by LIST, RETR, DELE, TOP and UIDL: parsed (RFC 1939 §5
 * "msg"), looked up in the session's maildrop, and refused with a clear -ERR when it is not
 * a number, out of range, or marked deleted.
 */
import { parseMessageNumber } from '../../../protocol/pop3/index.js';
import type { Maildrop, MaildropEntry } from '../maildrop.js';
import type { Pop3Context } from '../state.js';

/** The session's maildrop; throws if called outside TRANSACTION (the dispatcher prevents it). */
export function maildropOf(ctx: Pop3Context): Maildrop {
  if (ctx.state.kind !== 'transaction') throw new Error('not in TRANSACTION');
  return ctx.state.maildrop;
}

/** The entry named by `arg`, or null after answering -ERR. */
export async function messageArg(ctx: Pop3Context, arg: string | undefined): Promise<MaildropEntry | null> {
  const n = parseMessageNumber(arg);
  if (!n.ok) {
    await ctx.err(n.error);
    return null;
  }
  const found = maildropOf(ctx).get(n.value);
  if (!found.ok) {
    await ctx.err(found.error);
    return null;
  }
  return found.entry;
}
