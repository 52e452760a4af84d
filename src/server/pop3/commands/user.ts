/** USER name (RFC 1939 §7): remembers the name for PASS. Plaintext, so TLS or loopback only. */
import type { Pop3CommandHandler } from '../state.js';

export const user: Pop3CommandHandler = {
  name: 'USER',
  states: ['authorization'],
  async handle(ctx, cmd) {
    if (ctx.state.kind !== 'authorization') return;
    if (!ctx.plaintextAllowed()) return ctx.err('plaintext authentication requires TLS: use STLS first', 'AUTH');
    if (cmd.rest === '') return ctx.err('USER needs a user name');
    ctx.state.user = cmd.rest;
    // RFC 1939 §7: the reply does not tell whether the mailbox exists (PASS fails instead)
    return ctx.ok('send PASS');
  },
};
