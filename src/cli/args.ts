/**
 * Checking what the operator typed before it reaches the store: addresses, domains, sizes,
 * passwords. Every failure is a UserError whose message says what was wrong.
 */
import { checkPasswordStrength } from '../auth/password.js';
import { parseSize } from '../config/values.js';
import { canonicalDomain, parseAddress } from '../lib/address.js';
import { UserError } from '../lib/errors.js';
import type { Cli } from './context.js';
import { UsageError } from './context.js';

export function address(value: string, what = 'address'): string {
  if (!parseAddress(value)) throw new UserError(`invalid ${what} '${value}': expected local-part@domain`, 'invalid');
  return value;
}

/** An address, or '@domain' for the domain's catch-all. */
export function aliasSource(value: string): string {
  if (value.startsWith('@')) {
    if (canonicalDomain(value.slice(1)) === null) throw new UserError(`invalid catch-all '${value}': expected @domain`, 'invalid');
    return value;
  }
  return address(value, 'alias address');
}

export function domain(value: string): string {
  if (canonicalDomain(value) === null) throw new UserError(`invalid domain name '${value}'`, 'invalid');
  return value;
}

export function quota(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (/^(none|unlimited|0)$/i.test(value)) return null;
  try {
    return parseSize(value);
  } catch (e) {
    throw new UserError(`invalid quota: ${(e as Error).message}`, 'invalid');
  }
}

/** The new password from --password or --password-stdin (one trailing newline dropped),
 *  checked for strength. */
export async function newPassword(cli: Cli, opts: { password?: string; passwordStdin?: boolean }): Promise<string> {
  let pw: string;
  if (opts.passwordStdin) pw = (await cli.io.readStdin()).replace(/\r?\n$/, '');
  else if (opts.password !== undefined) pw = opts.password;
  else throw new UsageError('give the password with --password PW or --password-stdin');
  checkPasswordStrength(pw);
  return pw;
}
