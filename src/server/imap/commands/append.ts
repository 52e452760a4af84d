/**
 * APPEND (RFC 3501 §6.3.11, RFC 9051 §6.3.12) with MULTIAPPEND (RFC 3502), literal8 (RFC 3516),
 * APPENDLIMIT (RFC 7889) and APPENDUID (RFC 4315 §3). A missing mailbox gets [TRYCREATE];
 * each message is parsed and stored once by mail/deliver (ServerEnv.appendMessage), which
 * publishes the change, so sessions with the mailbox selected see EXISTS at their next
 * legal point. \Recent cannot be set by a client (RFC 3501 §2.3.2).
 */
import { no } from '../../../protocol/imap/errors.js';
import { readAppendArgs, type AppendMessage } from '../../../protocol/imap/parse/args.js';
import { formatSet } from '../../../protocol/imap/seqset.js';
import { binaryAppendSafe } from '../binary-append.js';
import { requireMailbox } from '../mailboxes.js';
import { defineCommand, ok } from '../types.js';

export const append = defineCommand({
  name: 'APPEND',
  states: ['authenticated', 'selected'],
  parse: (r, ctx): { mailbox: string; messages: AppendMessage[] } => readAppendArgs(r, ctx.utf8),
  async handle(ctx, { mailbox, messages }) {
    const box = await requireMailbox(ctx, mailbox, 'TRYCREATE');
    for (const m of messages) {
      if (m.data.length > ctx.env.appendLimit) throw no('Message is larger than APPENDLIMIT', 'TOOBIG');
      if (m.data.length === 0) throw no('Cannot append an empty message', 'CANNOT');
    }
    const uids: number[] = [];
    for (const m of messages) {
      const flags = m.flags.filter((f) => f.toLowerCase() !== '\\recent');
      const data = m.binary ? binaryAppendSafe(m.data) : m.data;
      const res = await ctx.env.appendMessage({ store: ctx.env.store, bus: ctx.env.bus }, box.id, data, {
        flags, internalDate: m.internalDate ?? undefined,
      });
      uids.push(res.uid);
    }
    return ok('APPEND completed', `APPENDUID ${box.uidValidity} ${formatSet(uids)}`);
  },
});
