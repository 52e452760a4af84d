/** STARTTLS (RFC 3501 §6.2.1, RFC 9051 §6.2.1): only on a plain connection, before login. */
import { ImapError } from '../../../protocol/imap/errors.js';
import { defineCommand } from '../types.js';

export const starttls = defineCommand({
  name: 'STARTTLS',
  states: ['not-authenticated'],
  parse: (r) => r.end(),
  async handle(ctx, _args, { tag }) {
    if (ctx.tls) throw new ImapError('BAD', 'TLS is already active');
    await ctx.startTls(tag);
    return 'pending';
  },
});
