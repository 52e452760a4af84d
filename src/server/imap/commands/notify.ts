/**
 * NOTIFY (RFC 5465 §3.1): NONE stops notifications; SET replaces the registration, sends the
 * initial STATUS responses when asked, and acts as an implicit NOOP for the selected mailbox.
 * Events we cannot report (annotations, metadata) are refused with NO [BADEVENT] listing
 * the ones we can (§3.1).
 */
import { no } from '../../../protocol/imap/errors.js';
import { readNotifyArgs } from '../../../protocol/imap/parse/notify.js';
import { NotifyState } from '../notify.js';
import { defineCommand, ok } from '../types.js';

export const SUPPORTED_EVENTS = ['MessageNew', 'MessageExpunge', 'FlagChange', 'MailboxName', 'SubscriptionChange'];

export const notify = defineCommand({
  name: 'NOTIFY',
  states: ['authenticated', 'selected'],
  parse: (r, ctx) => readNotifyArgs(r, ctx.utf8),
  async handle(ctx, args) {
    if (args.kind === 'set') {
      const unsupported = args.groups.flatMap((g) => g.events).filter((e) => !SUPPORTED_EVENTS.includes(e));
      if (unsupported.length > 0) throw no(`Unsupported NOTIFY event ${unsupported[0]}`, `BADEVENT (${SUPPORTED_EVENTS.join(' ')})`);
    }
    ctx.notify?.stop();
    ctx.notify = null;
    if (args.kind === 'none') return ok('NOTIFY completed');
    const state = new NotifyState(ctx, args.groups);
    if (args.status) await state.initialStatus();
    state.start();
    ctx.notify = state;
    // §3.1: "a successful NOTIFY SET command implies an implicit NOOP command".
    if (ctx.state.kind === 'selected') ctx.state.mailbox.dirty = true;
    return ok('NOTIFY completed');
  },
});
