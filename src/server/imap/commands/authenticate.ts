/**
 * AUTHENTICATE (RFC 3501 §6.2.2, RFC 9051 §6.2.2) with SASL-IR (RFC 4959): PLAIN (RFC 4616).
 * "*" cancels with BAD; an initial response "=" is an empty one; a malformed message is BAD.
 */
import { bad, no } from '../../../protocol/imap/errors.js';
import { checkPassword } from '../auth.js';
import { defineCommand, type Ctx, type Completion } from '../types.js';
import { loggedIn } from './login.js';

export const authenticate = defineCommand({
  name: 'AUTHENTICATE',
  states: ['not-authenticated'],
  parse(r) {
    r.sp();
    const mechanism = r.atom('a SASL mechanism').toUpperCase();
    let initial: string | null = null;
    if (!r.atEnd()) {
      r.sp();
      initial = r.atom('an initial response');
    }
    r.end();
    return { mechanism, initial };
  },
  async handle(ctx, { mechanism, initial }) {
    if (mechanism !== 'PLAIN') throw no(`Unsupported mechanism ${mechanism}`, 'CANNOT');
    if (!ctx.plaintextAllowed()) throw no('Plaintext authentication is not allowed without TLS', 'PRIVACYREQUIRED');
    if (initial !== null) return plain(ctx, initial === '=' ? '' : initial);
    ctx.continuation('');
    ctx.awaitLine(async (line) => plain(ctx, line.toString('latin1').replace(/\r?\n$/, '')));
    return 'pending';
  },
});

async function plain(ctx: Ctx, b64: string): Promise<Completion> {
  if (b64 === '*') throw bad('Authentication cancelled');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw bad('Invalid base64');
  // RFC 4616 §2: [authzid] NUL authcid NUL passwd
  const parts = Buffer.from(b64, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3 || parts[1] === '') throw bad('Malformed PLAIN message');
  const [authzid, authcid, password] = parts;
  const account = await checkPassword(ctx.env.store.directory, authcid, password);
  if (account && authzid !== '' && authzid.toLowerCase() !== account.address.toLowerCase()) return loggedIn(ctx, null);
  return loggedIn(ctx, account);
}
