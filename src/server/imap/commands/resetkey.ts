/**
 * RESETKEY (RFC 4467 §6.2): forgets the access key of one mailbox, or of every mailbox of
 * the user, so every URL signed with it stops working. A new key is made by the next
 * GENURLAUTH. Mechanisms named after the mailbox must be known (only INTERNAL is).
 */
import { no } from '../../../protocol/imap/errors.js';
import { readMailbox } from '../../../protocol/imap/parse/args.js';
import { account, requireMailbox } from '../mailboxes.js';
import { MECHANISM } from '../urlauth.js';
import { defineCommand, ok } from '../types.js';

export const resetkey = defineCommand({
  name: 'RESETKEY',
  states: ['authenticated', 'selected'],
  parse(r, ctx) {
    if (r.atEnd()) return { mailbox: null, mechanisms: [] as string[] };
    r.sp();
    const mailbox = readMailbox(r, ctx.utf8);
    const mechanisms: string[] = [];
    while (!r.atEnd()) {
      r.sp();
      mechanisms.push(r.atom('a mechanism').toUpperCase());
    }
    return { mailbox, mechanisms };
  },
  async handle(ctx, { mailbox, mechanisms }) {
    const acc = account(ctx);
    for (const m of mechanisms) if (m !== MECHANISM) throw no(`Unknown URLAUTH mechanism ${m}`);
    const box = mailbox === null ? null : await requireMailbox(ctx, mailbox);
    await ctx.env.store.urlauth.reset(acc.id, box?.id);
    return ok('RESETKEY completed');
  },
});
