/**
 * APPEND (RFC 3501 §6.3.11, RFC 9051 §6.3.12) with MULTIAPPEND (RFC 3502), literal8 (RFC 3516),
 * CATENATE (RFC 4469, catenate.ts),
 * APPENDLIMIT (RFC 7889) and APPENDUID (RFC 4315 §3). A missing mailbox gets [TRYCREATE];
 * a message is parsed and stored once by mail/deliver (ServerEnv.appendMessage; several in
 * one store transaction, as MULTIAPPEND is all or nothing), then the change is published, so sessions with the mailbox selected see EXISTS at their next
 * legal point. \Recent cannot be set by a client (RFC 3501 §2.3.2).
 */
import { no } from '../../../protocol/imap/errors.js';
import { readAppendArgs, type AppendMessage } from '../../../protocol/imap/parse/args.js';
import { formatSet } from '../../../protocol/imap/seqset.js';
import { binaryAppendSafe } from '../binary-append.js';
import { catenate } from '../catenate.js';
import { prepareMessage } from '../../../mail/deliver.js';
import { requireMailbox } from '../mailboxes.js';
import { defineCommand, ok } from '../types.js';

export const append = defineCommand({
  name: 'APPEND',
  states: ['authenticated', 'selected'],
  parse: (r, ctx): { mailbox: string; messages: AppendMessage[] } => readAppendArgs(r, ctx.utf8),
  async handle(ctx, { mailbox, messages }) {
    const box = await requireMailbox(ctx, mailbox, 'TRYCREATE');
    // RFC 4469: CATENATE parts are resolved once the target mailbox is known to exist.
    for (const m of messages) if (m.catenate) Object.assign(m, await catenate(ctx, m.catenate));
    for (const m of messages) {
      if (m.data.length > ctx.env.appendLimit) throw no('Message is larger than APPENDLIMIT', 'TOOBIG');
      if (m.data.length === 0) throw no('Cannot append an empty message', 'CANNOT');
    }
    const items = messages.map((m) => ({
      data: m.binary ? binaryAppendSafe(m.data) : m.data,
      flags: m.flags.filter((f) => f.toLowerCase() !== '\\recent'),
      internalDate: m.internalDate ?? undefined,
    }));
    if (items.length === 1) {
      const [m] = items;
      const res = await ctx.env.appendMessage({ store: ctx.env.store, bus: ctx.env.bus }, box, m.data, { flags: m.flags, internalDate: m.internalDate });
      return ok('APPEND completed', `APPENDUID ${box.uidValidity} ${res.uid}`);
    }
    // RFC 3502 §6.3.11: all the messages or none — one store transaction for the lot.
    const store = ctx.env.store;
    const prepared = await Promise.all(items.map((m) => prepareMessage(store, m.data, m.internalDate)));
    const placed = await store.mail.append(prepared.map((p, i) => ({ mailboxId: box.id, message: { ...p, flags: items[i].flags } })));
    const last = placed[placed.length - 1];
    await ctx.env.bus.publish({ type: 'append', accountId: box.accountId, mailboxId: box.id, uid: last.uid, modseq: last.modseq });
    return ok('APPEND completed', `APPENDUID ${box.uidValidity} ${formatSet(placed.map((p) => p.uid))}`);
  },
});
