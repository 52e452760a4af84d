/** NOOP (RFC 1939 §5). */
import type { Pop3CommandHandler } from '../state.js';

export const noop: Pop3CommandHandler = {
  name: 'NOOP',
  states: ['transaction'],
  async handle(ctx, cmd) {
    if (cmd.args.length > 0) return ctx.err('NOOP takes no arguments');
    return ctx.ok();
  },
};
