/** UNSELECT (RFC 3691, RFC 9051 §6.4.2): deselects without expunging. */
import { no } from '../../../protocol/imap/errors.js';
import { defineCommand, ok } from '../types.js';

export const unselect = defineCommand({
  name: 'UNSELECT',
  states: ['selected'],
  parse: (r) => r.end(),
  async handle(ctx) {
    if (ctx.state.kind !== 'selected') throw no('No mailbox selected');
    ctx.state.mailbox.close();
    ctx.state = { kind: 'authenticated', account: ctx.state.account };
    return ok('UNSELECT completed');
  },
});
