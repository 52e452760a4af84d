/** TOP msg n (RFC 1939 §7): the header, the blank line and the first n body lines. */
import { dotStuff, ok, parseLineCount, topOfMessage } from '../../../protocol/pop3/index.js';
import type { Pop3CommandHandler } from '../state.js';
import { maildropOf, messageArg } from './message-arg.js';

export const top: Pop3CommandHandler = {
  name: 'TOP',
  states: ['transaction'],
  async handle(ctx, cmd) {
    if (cmd.args.length !== 2) return ctx.err('TOP needs a message number and a number of lines');
    const lines = parseLineCount(cmd.args[1]);
    if (!lines.ok) return ctx.err(lines.error);
    const entry = await messageArg(ctx, cmd.args[0]);
    if (!entry) return;
    const data = await maildropOf(ctx).read(ctx.options.store, entry);
    return ctx.write([Buffer.from(ok('top of message follows')), ...dotStuff(topOfMessage(data, lines.value))]);
  },
};
