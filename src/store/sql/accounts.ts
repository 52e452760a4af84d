/**
 * Domains and accounts of the directory. A new account gets INBOX and the special-use
 * mailboxes Drafts, Sent, Trash, Junk and Archive (RFC 6154), all subscribed, in the
 * same transaction. Removing an account removes its mailboxes and messages.
 */
import type { Kysely, Selectable } from 'kysely';
import { UserError } from '../../lib/errors.js';
import type { Account, Domain, SpecialUse } from '../types.js';
import type { Sql } from './db.js';
import { addressKey, domainKey, requireDomain, requireFree } from './identity.js';
import { createMailboxIn, deleteMailboxRows } from './mailboxes.js';
import { isUniqueViolation } from './rows.js';
import type { AccountsTable, DB } from './schema.js';

const DEFAULT_MAILBOXES: Array<[string, SpecialUse | null]> = [
  ['INBOX', null], ['Drafts', '\\Drafts'], ['Sent', '\\Sent'], ['Trash', '\\Trash'], ['Junk', '\\Junk'], ['Archive', '\\Archive'],
];

export function toAccount(r: Selectable<AccountsTable>): Account {
  return {
    id: Number(r.id), address: r.address, passwordHash: r.password_hash, apopSecret: r.apop_secret,
    quota: r.quota === null ? null : Number(r.quota), createdAt: Number(r.created_at),
  };
}

export async function addDomain(s: Sql, name: string): Promise<Domain> {
  const d = domainKey(name);
  const createdAt = Date.now();
  try {
    await s.db.insertInto('domains').values({ name: d, created_at: createdAt }).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new UserError(`domain ${d} exists`, 'duplicate');
    throw err;
  }
  return { name: d, createdAt };
}

export async function removeDomain(s: Sql, name: string): Promise<void> {
  const d = domainKey(name);
  await s.tx(async (trx) => {
    await requireDomain(trx, d);
    for (const table of ['accounts', 'aliases', 'forwards', 'lists'] as const) {
      const used = await trx.selectFrom(table).select('domain').where('domain', '=', d).executeTakeFirst();
      if (used) throw new UserError(`domain ${d} still has ${table}`, 'conflict');
    }
    await trx.deleteFrom('domains').where('name', '=', d).execute();
  });
}

export async function addAccount(s: Sql, input: { address: string; passwordHash: string; apopSecret?: string | null; quota?: number | null }): Promise<Account> {
  const key = addressKey(input.address);
  const domain = key.slice(key.lastIndexOf('@') + 1);
  try {
    return await s.tx(async (trx) => {
      await requireDomain(trx, domain);
      await requireFree(trx, key, input.address);
      const row = await trx.insertInto('accounts').values({
        address: input.address.trim(), address_key: key, domain, password_hash: input.passwordHash,
        apop_secret: input.apopSecret ?? null, quota: input.quota ?? null, created_at: Date.now(),
      }).returningAll().executeTakeFirstOrThrow();
      for (const [name, specialUse] of DEFAULT_MAILBOXES) await createMailboxIn(trx, s.dialect, Number(row.id), name, { specialUse, subscribed: true });
      return toAccount(row);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new UserError(`${input.address} already exists`, 'duplicate');
    throw err;
  }
}

export async function findAccount(db: Kysely<DB>, address: string): Promise<Account | null> {
  let key: string;
  try {
    key = addressKey(address);
  } catch {
    return null;
  }
  const row = await db.selectFrom('accounts').selectAll().where('address_key', '=', key).executeTakeFirst();
  return row ? toAccount(row) : null;
}

export async function updateAccount(s: Sql, address: string, patch: { passwordHash?: string; apopSecret?: string | null; quota?: number | null }): Promise<Account> {
  const key = addressKey(address);
  const set: { password_hash?: string; apop_secret?: string | null; quota?: number | null } = {};
  if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
  if (patch.apopSecret !== undefined) set.apop_secret = patch.apopSecret;
  if (patch.quota !== undefined) set.quota = patch.quota;
  return s.tx(async (trx) => {
    if (Object.keys(set).length > 0) await trx.updateTable('accounts').set(set).where('address_key', '=', key).execute();
    const row = await trx.selectFrom('accounts').selectAll().where('address_key', '=', key).executeTakeFirst();
    if (!row) throw new UserError(`no account ${address}`, 'not-found');
    return toAccount(row);
  });
}

export async function removeAccount(s: Sql, address: string): Promise<void> {
  const key = addressKey(address);
  await s.tx(async (trx) => {
    const acc = await trx.selectFrom('accounts').select('id').where('address_key', '=', key).executeTakeFirst();
    if (!acc) throw new UserError(`no account ${address}`, 'not-found');
    const boxes = await trx.selectFrom('mailboxes').select('id').where('account_id', '=', Number(acc.id)).execute();
    for (const b of boxes) await deleteMailboxRows(trx, s.dialect, Number(b.id));
    await trx.deleteFrom('subscriptions').where('account_id', '=', Number(acc.id)).execute();
    await trx.deleteFrom('accounts').where('id', '=', Number(acc.id)).execute();
  });
}
