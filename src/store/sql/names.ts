/**
 * Mailbox names: '/' is the hierarchy separator; 'INBOX' is case-insensitive
 * (RFC 3501 §5.1) and always stored as 'INBOX', also as the first level of a child name.
 */
import { UserError } from '../../lib/errors.js';

export const SEP = '/';

/** Canonical form of a user-given name, or UserError 'invalid'. A trailing separator is
 *  dropped (RFC 3501 §6.3.3: it only declares the intent to create children). */
export function normalizeName(name: string): string {
  let n = name;
  while (n.endsWith(SEP)) n = n.slice(0, -1);
  const parts = n.split(SEP);
  if (n === '' || parts.some((p) => p === '') || /[\x00-\x1f\x7f]/.test(n)) {
    throw new UserError(`invalid mailbox name: ${JSON.stringify(name)}`, 'invalid');
  }
  if (parts[0].toUpperCase() === 'INBOX') parts[0] = 'INBOX';
  return parts.join(SEP);
}

/** Every proper ancestor of a name, outermost first: 'a/b/c' → ['a', 'a/b']. */
export function ancestors(name: string): string[] {
  const parts = name.split(SEP);
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join(SEP));
  return out;
}

export function isInbox(name: string): boolean {
  return name === 'INBOX';
}
