/** LOGOUT (RFC 3501 §6.1.3): untagged BYE, tagged OK, then the connection closes. */
import { defineCommand, ok } from '../types.js';

export const logout = defineCommand({
  name: 'LOGOUT',
  states: ['not-authenticated', 'authenticated', 'selected'],
  parse: (r) => r.end(),
  async handle(ctx) {
    ctx.untagged('BYE Logging out');
    if (ctx.state.kind === 'selected') ctx.state.mailbox.close();
    ctx.state = { kind: 'logout' };
    return ok('LOGOUT completed');
  },
});
