/**
 * IDLE (RFC 2177, RFC 9051 §6.3.13): "+ idling", then every change of the selected mailbox is
 * reported as it happens (expunges included: IDLE is a legal point), until the client sends
 * DONE. Anything else ends IDLE with BAD. The store is also polled every idlePollMs, as bus
 * events may be lost: the server's sweep timer does it (Connection.sweep) while onIdleChange
 * is set, so an idling session holds no timer of its own. The connection's autologout (at
 * least 30 minutes, RFC 3501 §5.4) bounds an idle held forever.
 */
import { bad } from '../../../protocol/imap/errors.js';
import { sendUpdates } from '../updates.js';
import { defineCommand, ok, type Ctx } from '../types.js';

export const idle = defineCommand({
  name: 'IDLE',
  states: ['authenticated', 'selected'],
  parse: (r) => r.end(),
  async handle(ctx) {
    ctx.continuation('idling');
    const push = (): void => {
      void sendUpdates(ctx, true).catch((err: unknown) => ctx.env.log.warn({ err }, 'imap idle update failed'));
    };
    ctx.onIdleChange = push;
    push();
    ctx.awaitLine(async (line) => {
      ctx.onIdleChange = null;
      if (line.toString('latin1').replace(/\r?\n$/, '').toUpperCase() !== 'DONE') throw bad('Expected DONE');
      return ok('IDLE terminated');
    });
    return 'pending';
  },
});

/** Called by the selected mailbox's change listener. */
export function onIdleChange(ctx: Ctx): void {
  ctx.onIdleChange?.();
}
