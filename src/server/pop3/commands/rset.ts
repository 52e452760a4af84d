/** RSET (RFC 1939 §5): unmarks every message marked deleted in this session. */
import type { Pop3CommandHandler } from '../state.js';
import { maildropOf } from './message-arg.js';

export const rset: Pop3CommandHandler = {
  name: 'RSET',
  states: ['transaction'],
  async handle(ctx, cmd) {
    if (cmd.args.length > 0) return ctx.err('RSET takes no arguments');
    const md = maildropOf(ctx);
    md.unmarkAll();
    const { count, size } = md.stat();
    return ctx.ok(`maildrop has ${count} messages (${size} octets)`);
  },
};
