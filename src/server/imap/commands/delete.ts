/** DELETE (RFC 3501 §6.3.4, RFC 9051 §6.3.5): never INBOX; children stay. */
import { no } from '../../../protocol/imap/errors.js';
import { account, parseOneMailbox, requireMailbox } from '../mailboxes.js';
import { defineCommand, ok } from '../types.js';

export const del = defineCommand({
  name: 'DELETE',
  states: ['authenticated', 'selected'],
  parse: parseOneMailbox,
  async handle(ctx, name) {
    if (name === 'INBOX') throw no('INBOX cannot be deleted', 'CANNOT');
    const box = await requireMailbox(ctx, name);
    await ctx.env.store.mail.deleteMailbox(account(ctx).id, box.name);
    await ctx.env.bus.publish({ type: 'mailbox', accountId: box.accountId, mailboxId: box.id, change: 'deleted', name: box.name });
    return ok('DELETE completed');
  },
});
