/**
 * CREATE (RFC 3501 §6.3.3, RFC 9051 §6.3.4): a trailing separator only declares intent and is
 * dropped; missing parents are created by the store; INBOX and existing names get
 * [ALREADYEXISTS]; invalid names [CANNOT] (RFC 5530).
 */
import { checkNewMailboxName, readMailbox, SEPARATOR } from '../../../protocol/imap/parse/args.js';
import { no } from '../../../protocol/imap/errors.js';
import { account } from '../mailboxes.js';
import { defineCommand, ok } from '../types.js';

export const create = defineCommand({
  name: 'CREATE',
  states: ['authenticated', 'selected'],
  parse(r, ctx) {
    r.sp();
    let name = readMailbox(r, ctx.utf8);
    r.end();
    if (name.endsWith(SEPARATOR)) name = name.slice(0, -1);
    return name;
  },
  async handle(ctx, name) {
    checkNewMailboxName(name);
    const id = account(ctx).id;
    if (await ctx.env.store.mail.getMailbox(id, name)) throw no('Mailbox already exists', 'ALREADYEXISTS');
    await ctx.env.store.mail.createMailbox(id, name);
    return ok('CREATE completed');
  },
});
