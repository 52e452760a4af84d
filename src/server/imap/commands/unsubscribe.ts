/** UNSUBSCRIBE (RFC 3501 §6.3.7, RFC 9051 §6.3.8). */
import { readMailbox } from '../../../protocol/imap/parse/args.js';
import { account } from '../mailboxes.js';
import { defineCommand, ok } from '../types.js';

export const unsubscribe = defineCommand({
  name: 'UNSUBSCRIBE',
  states: ['authenticated', 'selected'],
  parse(r, ctx) {
    r.sp();
    const name = readMailbox(r, ctx.utf8);
    r.end();
    return name;
  },
  async handle(ctx, name) {
    await ctx.env.store.mail.setSubscribed(account(ctx).id, name, false);
    return ok('UNSUBSCRIBE completed');
  },
});
