/** STATUS (RFC 3501 §6.3.10, RFC 9051 §6.3.11; SIZE from RFC 8438, HIGHESTMODSEQ from RFC 7162 §3.1.9). */
import { readMailbox, readStatusItems, type StatusItem } from '../../../protocol/imap/parse/args.js';
import { requireMailbox, statusResponse } from '../mailboxes.js';
import { defineCommand, ok } from '../types.js';

export const status = defineCommand({
  name: 'STATUS',
  states: ['authenticated', 'selected'],
  parse(r, ctx) {
    r.sp();
    const mailbox = readMailbox(r, ctx.utf8);
    r.sp();
    const items: StatusItem[] = readStatusItems(r);
    r.end();
    return { mailbox, items };
  },
  async handle(ctx, { mailbox, items }) {
    const box = await requireMailbox(ctx, mailbox);
    if (items.includes('HIGHESTMODSEQ')) ctx.enabled.add('CONDSTORE');
    ctx.untagged(await statusResponse(ctx, ctx.env.store.mail, box, items));
    return ok('STATUS completed');
  },
});
