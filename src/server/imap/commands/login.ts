/**
 * LOGIN (RFC 3501 §6.2.3, RFC 9051 §6.2.3): refused without TLS (LOGINDISABLED), except on
 * loopback when the operator allows it. Success moves to the authenticated state and carries
 * the new capability list (RFC 9051 §6.2.3: CAPABILITY response code).
 */
import { no } from '../../../protocol/imap/errors.js';
import { checkPassword } from '../auth.js';
import { defineCommand, ok, type Ctx, type Completion } from '../types.js';
import type { Account } from '../../../store/types.js';

export const login = defineCommand({
  name: 'LOGIN',
  states: ['not-authenticated'],
  parse(r) {
    r.sp();
    const user = r.astring('a user name');
    r.sp();
    const password = r.astring('a password');
    r.end();
    return { user, password };
  },
  async handle(ctx, { user, password }) {
    if (!ctx.plaintextAllowed()) throw no('Plaintext authentication is not allowed without TLS', 'PRIVACYREQUIRED');
    const account = await checkPassword(ctx.env.store.directory, user, password);
    return loggedIn(ctx, account);
  },
});

/** Shared by LOGIN and AUTHENTICATE. */
export async function loggedIn(ctx: Ctx, account: Account | null): Promise<Completion> {
  if (!account) {
    await new Promise((r) => setTimeout(r, 200));
    throw no('Authentication failed', 'AUTHENTICATIONFAILED');
  }
  ctx.state = { kind: 'authenticated', account };
  return ok('Logged in', `CAPABILITY ${ctx.capabilities().join(' ')}`);
}
