/** LIST [msg] (RFC 1939 §5): "n size" for one message, or a multi-line scan listing. */
import { multiline, ok } from '../../../protocol/pop3/index.js';
import type { Pop3CommandHandler } from '../state.js';
import { maildropOf, messageArg } from './message-arg.js';

export const list: Pop3CommandHandler = {
  name: 'LIST',
  states: ['transaction'],
  async handle(ctx, cmd) {
    if (cmd.args.length > 1) return ctx.err('LIST takes at most one message number');
    if (cmd.args.length === 1) {
      const entry = await messageArg(ctx, cmd.args[0]);
      return entry ? ctx.ok(`${entry.number} ${entry.size}`) : undefined;
    }
    const md = maildropOf(ctx);
    const { count, size } = md.stat();
    return ctx.write(multiline(ok(`${count} messages (${size} octets)`), md.live().map((e) => `${e.number} ${e.size}`)));
  },
};
