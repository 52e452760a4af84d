/** NAMESPACE (RFC 2342, RFC 9051 §6.3.10): one personal namespace, "/" as separator. */
import { defineCommand, ok } from '../types.js';

export const namespace = defineCommand({
  name: 'NAMESPACE',
  states: ['authenticated', 'selected'],
  parse: (r) => r.end(),
  async handle(ctx) {
    ctx.untagged('NAMESPACE (("" "/")) NIL NIL');
    return ok('NAMESPACE completed');
  },
});
