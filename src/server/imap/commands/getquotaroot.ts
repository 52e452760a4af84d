/** GETQUOTAROOT (RFC 9208 §4.3): every mailbox of an account with a limit is under the root "". */
import { readMailbox } from '../../../protocol/imap/parse/args.js';
import { Out } from '../../../protocol/imap/writer.js';
import { requireMailbox } from '../mailboxes.js';
import { quotaLine } from '../quota.js';
import { defineCommand, ok } from '../types.js';

export const getquotaroot = defineCommand({
  name: 'GETQUOTAROOT',
  states: ['authenticated', 'selected'],
  parse(r, ctx) {
    r.sp();
    const mailbox = readMailbox(r, ctx.utf8);
    r.end();
    return mailbox;
  },
  async handle(ctx, mailbox) {
    const box = await requireMailbox(ctx, mailbox);
    const line = await quotaLine(ctx);
    // no limit, no quota root: "* QUOTAROOT <mailbox>" alone (RFC 9208 §4.2.2)
    ctx.untagged(new Out().raw('QUOTAROOT ').mailbox(box.name, { utf8: ctx.utf8 }).raw(line === null ? '' : ' ""'));
    if (line !== null) ctx.untagged(line);
    return ok('GETQUOTAROOT completed');
  },
});
