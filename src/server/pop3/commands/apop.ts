/** APOP name digest (RFC 1939 §7): MD5 of the greeting's timestamp and the shared secret. */
import { verifyApop } from '../../../mail/authenticate.js';
import type { Pop3CommandHandler } from '../state.js';
import { loginFailed, loginSucceeded, refuseIfLockedOut } from '../login.js';

export const apop: Pop3CommandHandler = {
  name: 'APOP',
  states: ['authorization'],
  async handle(ctx, cmd) {
    if (ctx.state.kind !== 'authorization') return;
    if (cmd.args.length !== 2) return ctx.err('APOP needs a name and a digest');
    if (await refuseIfLockedOut(ctx)) return;
    const [name, digest] = cmd.args;
    const account = await verifyApop(ctx.options.store.directory, name, ctx.timestamp, digest);
    return account ? loginSucceeded(ctx, account) : loginFailed(ctx);
  },
};
