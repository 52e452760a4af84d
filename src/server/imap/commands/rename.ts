/** RENAME (RFC 3501 §6.3.5, RFC 9051 §6.3.6): children move along; renaming INBOX moves its messages. */
import { checkNewMailboxName, readMailbox } from '../../../protocol/imap/parse/args.js';
import { no } from '../../../protocol/imap/errors.js';
import { account, requireMailbox } from '../mailboxes.js';
import { defineCommand, ok } from '../types.js';

export const rename = defineCommand({
  name: 'RENAME',
  states: ['authenticated', 'selected'],
  parse(r, ctx) {
    r.sp();
    const from = readMailbox(r, ctx.utf8);
    r.sp();
    const to = readMailbox(r, ctx.utf8);
    r.end();
    return { from, to };
  },
  async handle(ctx, { from, to }) {
    checkNewMailboxName(to);
    const box = await requireMailbox(ctx, from);
    const id = account(ctx).id;
    if (await ctx.env.store.mail.getMailbox(id, to)) throw no('Target mailbox already exists', 'ALREADYEXISTS');
    if (to.startsWith(box.name + '/')) throw no('Cannot rename a mailbox into itself', 'CANNOT');
    await ctx.env.store.mail.renameMailbox(id, box.name, to);
    await ctx.env.bus.publish({ type: 'mailbox', accountId: box.accountId, mailboxId: box.id, change: 'renamed', name: to, oldName: box.name });
    return ok('RENAME completed');
  },
});
