/** STLS (RFC 2595 §4): start TLS in AUTHORIZATION, once, before any login. */
import type { Pop3CommandHandler } from '../state.js';

export const stls: Pop3CommandHandler = {
  name: 'STLS',
  states: ['authorization'],
  async handle(ctx, cmd) {
    if (cmd.args.length > 0) return ctx.err('STLS takes no arguments');
    if (ctx.secure) return ctx.err('TLS is already active');
    await ctx.ok('begin TLS negotiation');
    return ctx.startTls();
  },
};
