/** CAPABILITY (RFC 3501 §6.1.1, RFC 9051 §6.1.1): the list for the current state. */
import { defineCommand, ok } from '../types.js';

export const capability = defineCommand({
  name: 'CAPABILITY',
  states: ['not-authenticated', 'authenticated', 'selected'],
  parse: (r) => r.end(),
  async handle(ctx) {
    ctx.untagged(`CAPABILITY ${ctx.capabilities().join(' ')}`);
    return ok('CAPABILITY completed');
  },
});
