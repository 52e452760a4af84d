/** RETR msg (RFC 1939 §7): the whole message, byte-stuffed, as a multi-line response. */
import { dotStuff, ok } from '../../../protocol/pop3/index.js';
import type { Pop3CommandHandler } from '../state.js';
import { maildropOf, messageArg } from './message-arg.js';

export const retr: Pop3CommandHandler = {
  name: 'RETR',
  states: ['transaction'],
  async handle(ctx, cmd) {
    if (cmd.args.length !== 1) return ctx.err('RETR needs exactly one message number');
    const entry = await messageArg(ctx, cmd.args[0]);
    if (!entry) return;
    const data = await maildropOf(ctx).read(ctx.options.store, entry);
    return ctx.write([Buffer.from(ok(`${entry.size} octets`)), ...dotStuff(data)]);
  },
};
