/** PASS string (RFC 1939 §7): the password for the preceding USER; may contain spaces. */
import { verifyLogin } from '../../../mail/authenticate.js';
import type { Pop3CommandHandler } from '../state.js';
import { loginFailed, loginSucceeded, refuseIfLockedOut } from '../login.js';

export const pass: Pop3CommandHandler = {
  name: 'PASS',
  states: ['authorization'],
  async handle(ctx, cmd) {
    const state = ctx.state;
    if (state.kind !== 'authorization') return;
    if (!ctx.plaintextAllowed()) return ctx.err('plaintext authentication requires TLS: use STLS first', 'AUTH');
    if (state.user === null) return ctx.err('USER first');
    if (cmd.rest === '') return ctx.err('PASS needs a password');
    if (await refuseIfLockedOut(ctx)) return;
    const account = await verifyLogin(ctx.options.store.directory, state.user, cmd.rest);
    return account ? loginSucceeded(ctx, account) : loginFailed(ctx);
  },
};
