/** SUBSCRIBE (RFC 3501 §6.3.6, RFC 9051 §6.3.7). */
import { readMailbox } from '../../../protocol/imap/parse/args.js';
import { account } from '../mailboxes.js';
import { defineCommand, ok } from '../types.js';

export const subscribe = defineCommand({
  name: 'SUBSCRIBE',
  states: ['authenticated', 'selected'],
  parse(r, ctx) {
    r.sp();
    const name = readMailbox(r, ctx.utf8);
    r.end();
    return name;
  },
  async handle(ctx, name) {
    await ctx.env.store.mail.setSubscribed(account(ctx).id, name, true);
    return ok('SUBSCRIBE completed');
  },
});
