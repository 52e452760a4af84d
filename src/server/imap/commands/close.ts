/** CLOSE (RFC 3501 §6.4.2): silently expunges \Deleted messages (unless read-only), then deselects. */
import { no } from '../../../protocol/imap/errors.js';
import { publish } from '../expunging.js';
import { defineCommand, ok } from '../types.js';

export const close = defineCommand({
  name: 'CLOSE',
  states: ['selected'],
  parse: (r) => r.end(),
  async handle(ctx) {
    if (ctx.state.kind !== 'selected') throw no('No mailbox selected');
    const sel = ctx.state.mailbox;
    ctx.state = { kind: 'authenticated', account: ctx.state.account };
    sel.close();
    if (!sel.readOnly) {
      const gone = await ctx.env.store.mail.expunge(sel.id);
      await publish(ctx, sel, 'expunge', gone);
    }
    return ok('CLOSE completed');
  },
});
