/** UIDL [msg] (RFC 1939 §7): unique-ids from UIDVALIDITY and UID, stable across sessions. */
import { multiline, ok } from '../../../protocol/pop3/index.js';
import type { Pop3CommandHandler } from '../state.js';
import { maildropOf, messageArg } from './message-arg.js';

export const uidl: Pop3CommandHandler = {
  name: 'UIDL',
  states: ['transaction'],
  async handle(ctx, cmd) {
    if (cmd.args.length > 1) return ctx.err('UIDL takes at most one message number');
    const md = maildropOf(ctx);
    if (cmd.args.length === 1) {
      const entry = await messageArg(ctx, cmd.args[0]);
      return entry ? ctx.ok(`${entry.number} ${md.uniqueId(entry)}`) : undefined;
    }
    return ctx.write(multiline(ok('unique-id listing follows'), md.live().map((e) => `${e.number} ${md.uniqueId(e)}`)));
  },
};
