/** SUBSCRIBE and UNSUBSCRIBE (RFC 3501 §6.3.6–7, RFC 9051 §6.3.7–8). */
import { account, parseOneMailbox } from '../mailboxes.js';
import { defineCommand, ok } from '../types.js';

export function subscriptionCommand(name: 'SUBSCRIBE' | 'UNSUBSCRIBE', subscribed: boolean) {
  return defineCommand({
    name,
    states: ['authenticated', 'selected'],
    parse: parseOneMailbox,
    async handle(ctx, mailbox) {
      await ctx.env.store.mail.setSubscribed(account(ctx).id, mailbox, subscribed);
      // RFC 5465 §5.5: NOTIFY SubscriptionChange (mailboxId 0: the event is about a name).
      await ctx.env.bus.publish({ type: 'mailbox', accountId: account(ctx).id, mailboxId: 0, change: subscribed ? 'subscribed' : 'unsubscribed', name: mailbox });
      return ok(`${name} completed`);
    },
  });
}

export const subscribe = subscriptionCommand('SUBSCRIBE', true);
