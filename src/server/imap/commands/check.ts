/** CHECK (RFC 3501 §6.4.1; removed in RFC 9051, kept for rev1 clients): every change is already durable. */
import { defineCommand, ok } from '../types.js';

export const check = defineCommand({
  name: 'CHECK',
  states: ['selected'],
  parse: (r) => r.end(),
  async handle() {
    return ok('CHECK completed');
  },
});
