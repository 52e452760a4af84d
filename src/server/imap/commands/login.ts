/**
 * LOGIN (RFC 3501 §6.2.3, RFC 9051 §6.2.3): refused without TLS (LOGINDISABLED), except on
 * loopback when the operator allows it. Success moves to the authenticated state and carries
 * the new capability list (RFC 9051 §6.2.3: CAPABILITY response code). Failures are counted
 * per client address and answered after the tracker's delay; a locked-out address is refused.
 */
import { no } from '../../../protocol/imap/errors.js';
import { verifyLogin } from '../../../mail/authenticate.js';
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
    checkLockout(ctx);
    return loggedIn(ctx, await verifyLogin(ctx.env.store.directory, user, password));
  },
});

export function checkLockout(ctx: Ctx): void {
  if (ctx.env.authFailures.lockedOut(ctx.remoteAddress) > 0) throw no('Too many failed logins; try later', 'UNAVAILABLE');
}

/** Shared by LOGIN and AUTHENTICATE. */
export async function loggedIn(ctx: Ctx, account: Account | null): Promise<Completion> {
  if (!account) {
    const delay = ctx.env.authFailures.failure(ctx.remoteAddress);
    await new Promise((r) => setTimeout(r, delay));
    throw no('Authentication failed', 'AUTHENTICATIONFAILED');
  }
  ctx.env.authFailures.success(ctx.remoteAddress);
  ctx.state = { kind: 'authenticated', account };
  return ok('Logged in', `CAPABILITY ${ctx.capabilities().join(' ')}`);
}
