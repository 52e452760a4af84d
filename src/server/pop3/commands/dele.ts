/** DELE msg (RFC 1939 §5): marks a message; it is removed only by QUIT's UPDATE. */
import type { Pop3CommandHandler } from '../state.js';
import { messageArg } from './message-arg.js';

export const dele: Pop3CommandHandler = {
  name: 'DELE',
  states: ['transaction'],
  async handle(ctx, cmd) {
    if (cmd.args.length !== 1) return ctx.err('DELE needs exactly one message number');
    const entry = await messageArg(ctx, cmd.args[0]);
    if (!entry) return;
    entry.deleted = true;
    return ctx.ok(`message ${entry.number} deleted`);
  },
};
