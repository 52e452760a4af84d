/**
 * Address keys for the directory tables (ARCHITECTURE.md "Identities"): the canonical
 * form from lib/address is the unique key, the form as written is kept for display.
 * '@domain' (a catch-all source) keys as '@' + the canonical domain.
 */
import type { Kysely } from 'kysely';
import { canonicalAddress, canonicalDomain } from '../../lib/address.js';
import { UserError } from '../../lib/errors.js';
import type { DB } from './schema.js';

export function addressKey(address: string): string {
  const key = canonicalAddress(address.trim());
  if (key === null) throw new UserError(`invalid address: ${address}`, 'invalid');
  return key;
}

export function domainKey(name: string): string {
  const d = canonicalDomain(name.trim());
  if (d === null) throw new UserError(`invalid domain: ${name}`, 'invalid');
  return d;
}

/** Key of an alias source: an address, or '@domain' for the catch-all. */
export function sourceKey(source: string): { key: string; domain: string } {
  const s = source.trim();
  if (s.startsWith('@')) {
    const d = domainKey(s.slice(1));
    return { key: `@${d}`, domain: d };
  }
  const key = addressKey(s);
  return { key, domain: key.slice(key.lastIndexOf('@') + 1) };
}

export async function requireDomain(db: Kysely<DB>, domain: string): Promise<void> {
  const d = await db.selectFrom('domains').select('name').where('name', '=', domain).executeTakeFirst();
  if (!d) throw new UserError(`${domain} is not a local domain`, 'not-found');
}

/** What already answers to `key`, if anything. */
export async function takenBy(db: Kysely<DB>, key: string): Promise<'account' | 'alias' | 'forward' | 'list' | null> {
  if (await db.selectFrom('accounts').select('id').where('address_key', '=', key).executeTakeFirst()) return 'account';
  if (await db.selectFrom('aliases').select('source_key').where('source_key', '=', key).executeTakeFirst()) return 'alias';
  if (await db.selectFrom('forwards').select('address_key').where('address_key', '=', key).executeTakeFirst()) return 'forward';
  if (await db.selectFrom('lists').select('address_key').where('address_key', '=', key).executeTakeFirst()) return 'list';
  return null;
}

export async function requireFree(db: Kysely<DB>, key: string, shown: string): Promise<void> {
  const t = await takenBy(db, key);
  if (t) throw new UserError(`${shown} already exists (${t})`, 'duplicate');
}
