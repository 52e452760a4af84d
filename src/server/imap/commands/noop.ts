/** NOOP (RFC 3501 §6.1.2): does nothing; the dispatcher then reports mailbox changes. */
import { defineCommand, ok } from '../types.js';

export const noop = defineCommand({
  name: 'NOOP',
  states: ['not-authenticated', 'authenticated', 'selected'],
  parse: (r) => r.end(),
  async handle() {
    return ok('NOOP completed');
  },
});
