/**
 * Aliases (one-to-one, many-to-one, '@domain' catch-all), forwards (a moved user) and
 * mailing lists with members. Sources live in a local domain and never collide with an
 * account or with each other (an address answers to exactly one thing).
 */
import { UserError } from '../../lib/errors.js';
import type { MailingList, PostingPolicy } from '../types.js';
import type { Sql } from './db.js';
import { addressKey, requireDomain, requireFree, sourceKey, takenBy } from './identity.js';
import type { Kysely } from 'kysely';
import type { DB } from './schema.js';

const POLICIES: readonly PostingPolicy[] = ['members', 'anyone', 'moderated'];

export async function addAlias(s: Sql, source: string, targets: string[]): Promise<void> {
  const src = sourceKey(source);
  if (targets.length === 0) throw new UserError('an alias needs at least one target', 'invalid');
  const rows = targets.map((t) => ({ target_key: addressKey(t), target: t.trim() }));
  await s.tx(async (trx) => {
    await requireDomain(trx, src.domain);
    const t = await takenBy(trx, src.key);
    if (t && t !== 'alias') throw new UserError(`${source} already exists (${t})`, 'duplicate');
    const have = new Set((await trx.selectFrom('aliases').select('target_key').where('source_key', '=', src.key).execute()).map((r) => r.target_key));
    const seen = new Set<string>();
    for (const r of rows) {
      if (have.has(r.target_key) || seen.has(r.target_key)) continue;
      seen.add(r.target_key);
      await trx.insertInto('aliases').values({ source_key: src.key, source: source.trim(), domain: src.domain, ...r }).execute();
    }
  });
}

export async function removeAlias(s: Sql, source: string, targets?: string[]): Promise<void> {
  const src = sourceKey(source);
  await s.tx(async (trx) => {
    let q = trx.deleteFrom('aliases').where('source_key', '=', src.key);
    if (targets && targets.length > 0) q = q.where('target_key', 'in', targets.map(addressKey));
    const r = await q.executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new UserError(`no alias ${source}${targets?.length ? ' with those targets' : ''}`, 'not-found');
  });
}

export async function listAliases(db: Kysely<DB>): Promise<Array<{ source: string; targets: string[] }>> {
  const rows = await db.selectFrom('aliases').selectAll().orderBy('source_key').orderBy('target_key').execute();
  const out = new Map<string, { source: string; targets: string[] }>();
  for (const r of rows) {
    const e = out.get(r.source_key) ?? { source: r.source, targets: [] };
    e.targets.push(r.target);
    out.set(r.source_key, e);
  }
  return [...out.values()];
}

export async function aliasTargets(db: Kysely<DB>, key: string): Promise<string[]> {
  return (await db.selectFrom('aliases').select('target').where('source_key', '=', key).orderBy('target_key').execute()).map((r) => r.target);
}

export async function addForward(s: Sql, address: string, to: string): Promise<void> {
  const key = addressKey(address);
  addressKey(to);
  await s.tx(async (trx) => {
    await requireDomain(trx, key.slice(key.lastIndexOf('@') + 1));
    await requireFree(trx, key, address);
    await trx.insertInto('forwards').values({ address_key: key, address: address.trim(), domain: key.slice(key.lastIndexOf('@') + 1), to_address: to.trim() }).execute();
  });
}

export async function removeForward(s: Sql, address: string): Promise<void> {
  const r = await s.db.deleteFrom('forwards').where('address_key', '=', addressKey(address)).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw new UserError(`no forward for ${address}`, 'not-found');
}

export async function createList(s: Sql, input: { address: string; owner: string; posting: PostingPolicy }): Promise<MailingList> {
  const key = addressKey(input.address);
  addressKey(input.owner);
  if (!POLICIES.includes(input.posting)) throw new UserError(`posting policy must be one of ${POLICIES.join(', ')}`, 'invalid');
  await s.tx(async (trx) => {
    await requireDomain(trx, key.slice(key.lastIndexOf('@') + 1));
    await requireFree(trx, key, input.address);
    await trx.insertInto('lists').values({
      address_key: key, address: input.address.trim(), domain: key.slice(key.lastIndexOf('@') + 1), owner: input.owner.trim(), posting: input.posting,
    }).execute();
  });
  return { address: input.address.trim(), owner: input.owner.trim(), posting: input.posting, members: [] };
}

async function requireList(db: Kysely<DB>, key: string, shown: string): Promise<void> {
  if (!(await db.selectFrom('lists').select('address_key').where('address_key', '=', key).executeTakeFirst())) {
    throw new UserError(`no list ${shown}`, 'not-found');
  }
}

export async function addListMembers(s: Sql, list: string, members: string[]): Promise<void> {
  const key = addressKey(list);
  const rows = members.map((m) => ({ member_key: addressKey(m), member: m.trim() }));
  await s.tx(async (trx) => {
    await requireList(trx, key, list);
    const have = new Set((await trx.selectFrom('list_members').select('member_key').where('list_key', '=', key).execute()).map((r) => r.member_key));
    for (const r of rows) {
      if (have.has(r.member_key)) continue;
      have.add(r.member_key);
      await trx.insertInto('list_members').values({ list_key: key, ...r }).execute();
    }
  });
}

export async function removeListMembers(s: Sql, list: string, members: string[]): Promise<void> {
  const key = addressKey(list);
  await s.tx(async (trx) => {
    await requireList(trx, key, list);
    if (members.length > 0) await trx.deleteFrom('list_members').where('list_key', '=', key).where('member_key', 'in', members.map(addressKey)).execute();
  });
}

export async function getListByKey(db: Kysely<DB>, key: string): Promise<MailingList | null> {
  const row = await db.selectFrom('lists').selectAll().where('address_key', '=', key).executeTakeFirst();
  if (!row) return null;
  const members = await db.selectFrom('list_members').select('member').where('list_key', '=', key).orderBy('member_key').execute();
  return { address: row.address, owner: row.owner, posting: row.posting as PostingPolicy, members: members.map((m) => m.member) };
}

export async function removeList(s: Sql, list: string): Promise<void> {
  const key = addressKey(list);
  await s.tx(async (trx) => {
    await requireList(trx, key, list);
    await trx.deleteFrom('list_members').where('list_key', '=', key).execute();
    await trx.deleteFrom('lists').where('address_key', '=', key).execute();
  });
}
