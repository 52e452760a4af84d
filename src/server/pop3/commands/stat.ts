/** STAT (RFC 1939 §5): "+OK count octets" of the messages not marked deleted. */
import type { Pop3CommandHandler } from '../state.js';
import { maildropOf } from './message-arg.js';

export const stat: Pop3CommandHandler = {
  name: 'STAT',
  states: ['transaction'],
  async handle(ctx, cmd) {
    if (cmd.args.length > 0) return ctx.err('STAT takes no arguments');
    const { count, size } = maildropOf(ctx).stat();
    return ctx.ok(`${count} ${size}`);
  },
};
