/**
 * Authentication shared by SMTP AUTH, IMAP LOGIN/AUTHENTICATE and POP3 USER/PASS/APOP/AUTH:
 * checks what a client claims against the Directory, and tracks failures per client IP.
 *
 * Invariants:
 *  - A user that does not exist costs the same argon2 verification as a wrong password, and
 *    gets the same answer (null), so replies and timing do not reveal which addresses exist.
 *  - Shared-secret mechanisms (APOP, CRAM-MD5, SCRAM) work only for accounts whose operator
 *    set a secret (Account.apopSecret); otherwise they fail like a wrong password.
 *  - No proxy authorization: an authzid must be absent or name the same account.
 *  - Successful password checks are remembered briefly (login-cache.ts); failures never are.
 *  - Servers call AuthFailureTracker.failure() for every failed attempt and wait the delay it
 *    returns before answering; lockedOut() is checked before any attempt.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { hashPassword, verifyPassword } from '../auth/password.js';
import type { SaslCredential, SaslIdentity } from '../protocol/sasl/types.js';
import type { Account, Directory } from '../store/types.js';
import { VerifiedLoginCache } from './login-cache.js';

let dummyHash: Promise<string> | null = null;

/** Recent successful verifications (see login-cache.ts); app/ may change ttlMs or clear it. */
export const loginCache = new VerifiedLoginCache();

/** The account for `username` if `password` is right; null otherwise (unknown user too). */
export async function verifyLogin(directory: Directory, username: string, password: string): Promise<Account | null> {
  const account = await lookup(directory, username);
  if (!account) {
    dummyHash ??= hashPassword('posthorn: no such user');
    await verifyPassword(await dummyHash, password);
    return null;
  }
  if (loginCache.has(account.passwordHash, password)) return account;
  if (!(await verifyPassword(account.passwordHash, password))) return null;
  loginCache.add(account.passwordHash, password);
  return account;
}

export interface SaslAuthOutcome {
  account: Account;
  /** RFC 4422 §3.6 additional data with success (SCRAM server-final), or null. */
  additionalData: Buffer | null;
}

/** Checks the outcome of a finished SASL exchange (protocol/sasl `done` step). */
export async function verifySasl(directory: Directory, identity: SaslIdentity, credential: SaslCredential): Promise<SaslAuthOutcome | null> {
  if (credential.kind === 'password') {
    const account = await verifyLogin(directory, identity.authcid, credential.password);
    return account && authzidAllowed(identity, account) ? { account, additionalData: null } : null;
  }
  const account = await lookup(directory, identity.authcid);
  if (!account || account.apopSecret === null || !authzidAllowed(identity, account)) return null;
  const verdict = credential.verify(account.apopSecret);
  return verdict.ok ? { account, additionalData: verdict.additionalData } : null;
}

/** RFC 1939 §7 APOP: digest = hex MD5(timestamp + secret), timestamp as in the greeting. */
export function apopDigest(timestamp: string, secret: string): string {
  return createHash('md5').update(timestamp + secret, 'utf8').digest('hex');
}

/** The account if `digest` (hex, any case) is the right APOP digest; null otherwise. */
export async function verifyApop(directory: Directory, username: string, timestamp: string, digest: string): Promise<Account | null> {
  const account = await lookup(directory, username);
  if (!account || account.apopSecret === null || !/^[0-9a-fA-F]{32}$/.test(digest)) return null;
  const expected = Buffer.from(apopDigest(timestamp, account.apopSecret), 'hex');
  return timingSafeEqual(expected, Buffer.from(digest, 'hex')) ? account : null;
}

async function lookup(directory: Directory, username: string): Promise<Account | null> {
  // an address needs an '@'; anything else cannot be an account (and must not throw)
  if (!username.includes('@') || username.length > 320) return null;
  try {
    return await directory.getAccount(username);
  } catch {
    return null;
  }
}

function authzidAllowed(identity: SaslIdentity, account: Account): boolean {
  if (identity.authzid === null || identity.authzid === '') return true;
  return identity.authzid.toLowerCase() === account.address.toLowerCase()
    || identity.authzid.toLowerCase() === identity.authcid.toLowerCase();
}

export { AuthFailureTracker, type FailurePolicy } from './auth-failures.js';
export { VerifiedLoginCache } from './login-cache.js';
