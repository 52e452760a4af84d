/**
 * Directory over Kysely (types.ts Directory), shared by both backends: domains and
 * accounts (sql/accounts.ts), aliases, forwards and lists (sql/routing.ts), and lookup.
 * The reads of the delivery path go through the connection's DirectoryCache when the
 * backend gives one (SQLite); every write here clears it (directory-cache.ts).
 */
import type { Account, Directory, Domain, LocalTarget, MailingList, PostingPolicy } from '../types.js';
import * as acc from './accounts.js';
import type { Sql } from './db.js';
import type { DirectoryCache } from './directory-cache.js';
import { domainKey, sourceKey } from './identity.js';
import * as rt from './routing.js';

export class SqlDirectory implements Directory {
  constructor(private readonly s: Sql, private readonly cache: DirectoryCache | null = null) {}

  private memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.cache ? this.cache.get(key, load) : load();
  }

  private write<T>(run: () => Promise<T>): Promise<T> {
    return this.cache ? this.cache.write(run) : run();
  }

  addDomain(name: string): Promise<Domain> { return this.write(() => acc.addDomain(this.s, name)); }
  removeDomain(name: string): Promise<void> { return this.write(() => acc.removeDomain(this.s, name)); }

  async listDomains(): Promise<Domain[]> {
    const rows = await this.s.db.selectFrom('domains').selectAll().orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, createdAt: Number(r.created_at) }));
  }

  async isLocalDomain(name: string): Promise<boolean> {
    let d: string;
    try {
      d = domainKey(name);
    } catch {
      return false;
    }
    return this.memo(`d:${d}`, async () => (await this.s.db.selectFrom('domains').select('name').where('name', '=', d).executeTakeFirst()) !== undefined);
  }

  addAccount(input: { address: string; passwordHash: string; apopSecret?: string | null; quota?: number | null }): Promise<Account> {
    return this.write(() => acc.addAccount(this.s, input));
  }

  getAccount(address: string): Promise<Account | null> {
    return this.memo(`a:${address}`, () => acc.findAccount(this.s.db, address));
  }

  getAccountById(id: number): Promise<Account | null> {
    return this.memo(`i:${id}`, async () => {
      const row = await this.s.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? acc.toAccount(row) : null;
    });
  }

  async listAccounts(domain?: string): Promise<Account[]> {
    let q = this.s.db.selectFrom('accounts').selectAll().orderBy('address_key');
    if (domain !== undefined) q = q.where('domain', '=', domainKey(domain));
    return (await q.execute()).map(acc.toAccount);
  }

  updateAccount(address: string, patch: { passwordHash?: string; apopSecret?: string | null; quota?: number | null }): Promise<Account> {
    return this.write(() => acc.updateAccount(this.s, address, patch));
  }

  removeAccount(address: string): Promise<void> { return this.write(() => acc.removeAccount(this.s, address)); }

  addAlias(source: string, targets: string[]): Promise<void> { return this.write(() => rt.addAlias(this.s, source, targets)); }
  removeAlias(source: string, targets?: string[]): Promise<void> { return this.write(() => rt.removeAlias(this.s, source, targets)); }
  listAliases(): Promise<Array<{ source: string; targets: string[] }>> { return rt.listAliases(this.s.db); }

  addForward(address: string, to: string): Promise<void> { return this.write(() => rt.addForward(this.s, address, to)); }
  removeForward(address: string): Promise<void> { return this.write(() => rt.removeForward(this.s, address)); }

  async listForwards(): Promise<Array<{ address: string; to: string }>> {
    const rows = await this.s.db.selectFrom('forwards').selectAll().orderBy('address_key').execute();
    return rows.map((r) => ({ address: r.address, to: r.to_address }));
  }

  createList(input: { address: string; owner: string; posting: PostingPolicy }): Promise<MailingList> {
    return this.write(() => rt.createList(this.s, input));
  }

  addListMembers(list: string, members: string[]): Promise<void> { return this.write(() => rt.addListMembers(this.s, list, members)); }
  removeListMembers(list: string, members: string[]): Promise<void> { return this.write(() => rt.removeListMembers(this.s, list, members)); }

  async getList(address: string): Promise<MailingList | null> {
    const key = safeKey(address);
    return key === null ? null : this.memo(`L:${key}`, () => rt.getListByKey(this.s.db, key));
  }

  async listLists(): Promise<MailingList[]> {
    const keys = await this.s.db.selectFrom('lists').select('address_key').orderBy('address_key').execute();
    const out: MailingList[] = [];
    for (const k of keys) {
      const l = await rt.getListByKey(this.s.db, k.address_key);
      if (l) out.push(l);
    }
    return out;
  }

  removeList(address: string): Promise<void> { return this.write(() => rt.removeList(this.s, address)); }

  /** Exact match; '@domain' finds the domain's catch-all alias. */
  async lookup(address: string): Promise<LocalTarget | null> {
    const key = safeKey(address);
    return key === null ? null : this.memo(`l:${key}`, () => this.lookupKey(key));
  }

  private async lookupKey(key: string): Promise<LocalTarget | null> {
    const db = this.s.db;
    const row = await db.selectFrom('accounts').selectAll().where('address_key', '=', key).executeTakeFirst();
    if (row) return { kind: 'account', account: acc.toAccount(row) };
    const targets = await rt.aliasTargets(db, key);
    if (targets.length > 0) return { kind: 'alias', targets };
    const fwd = await db.selectFrom('forwards').select('to_address').where('address_key', '=', key).executeTakeFirst();
    if (fwd) return { kind: 'forward', to: fwd.to_address };
    const list = await rt.getListByKey(db, key);
    return list ? { kind: 'list', list } : null;
  }
}

function safeKey(address: string): string | null {
  try {
    return sourceKey(address).key;
  } catch {
    return null;
  }
}
