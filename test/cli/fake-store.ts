/**
 * An in-memory Directory with the UserError rules of src/store/types.ts, for CLI tests that
 * run without a database (the real backends are tested by the store's conformance suite).
 * State lives in a FakeData object so several "processes" (commands) share it.
 */
import { canonicalAddress, canonicalDomain, domainOf } from '../../src/lib/address.js';
import { UserError } from '../../src/lib/errors.js';
import type { Account, Directory, Domain, MailingList, Store } from '../../src/store/types.js';

export class FakeData {
  domains = new Map<string, Domain>();
  accounts = new Map<string, Account>();
  aliases = new Map<string, { source: string; targets: string[] }>();
  forwards = new Map<string, { address: string; to: string }>();
  lists = new Map<string, MailingList>();
  nextId = 1;
  opened = 0;
  closed = 0;
}

const key = (a: string) => (a.startsWith('@') ? '@' + canonicalDomain(a.slice(1)) : canonicalAddress(a) ?? a.toLowerCase());

function directory(d: FakeData): Directory {
  const needDomain = (address: string) => {
    if (!d.domains.has(canonicalDomain(domainOf(address)) ?? '')) throw new UserError(`unknown domain ${domainOf(address)}`, 'not-found');
  };
  const taken = (address: string) => {
    const k = key(address);
    if (d.accounts.has(k) || d.aliases.has(k) || d.forwards.has(k) || d.lists.has(k)) throw new UserError(`${address} already exists`, 'duplicate');
  };
  return {
    async addDomain(name) {
      const n = canonicalDomain(name)!;
      if (d.domains.has(n)) throw new UserError(`domain ${name} already exists`, 'duplicate');
      const dom = { name, createdAt: Date.now() };
      d.domains.set(n, dom);
      return dom;
    },
    async removeDomain(name) {
      const n = canonicalDomain(name)!;
      if (!d.domains.has(n)) throw new UserError(`no such domain: ${name}`, 'not-found');
      if ([...d.accounts.keys()].some((a) => a.endsWith('@' + n))) throw new UserError(`domain ${name} still has accounts`, 'conflict');
      d.domains.delete(n);
    },
    async listDomains() { return [...d.domains.values()]; },
    async isLocalDomain(name) { return d.domains.has(canonicalDomain(name) ?? ''); },
    async addAccount(input) {
      needDomain(input.address);
      taken(input.address);
      const a: Account = { id: d.nextId++, address: input.address, passwordHash: input.passwordHash, apopSecret: input.apopSecret ?? null, quota: input.quota ?? null, createdAt: Date.now() };
      d.accounts.set(key(input.address), a);
      return a;
    },
    async getAccount(address) { return d.accounts.get(key(address)) ?? null; },
    async getAccountById(id) { return [...d.accounts.values()].find((a) => a.id === id) ?? null; },
    async listAccounts(domain) {
      return [...d.accounts.values()].filter((a) => !domain || canonicalDomain(domainOf(a.address)) === canonicalDomain(domain));
    },
    async updateAccount(address, patch) {
      const a = d.accounts.get(key(address));
      if (!a) throw new UserError(`no such user: ${address}`, 'not-found');
      Object.assign(a, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
      return a;
    },
    async removeAccount(address) { d.accounts.delete(key(address)); },
    async addAlias(source, targets) {
      if (!source.startsWith('@')) needDomain(source);
      const k = key(source);
      const a = d.aliases.get(k);
      if (!a) taken(source);
      const entry = a ?? { source, targets: [] };
      for (const t of targets) if (!entry.targets.includes(t)) entry.targets.push(t);
      d.aliases.set(k, entry);
    },
    async removeAlias(source, targets) {
      const k = key(source);
      const a = d.aliases.get(k);
      if (!a) throw new UserError(`no such alias: ${source}`, 'not-found');
      if (!targets) d.aliases.delete(k);
      else a.targets = a.targets.filter((t) => !targets.includes(t));
      if (a.targets.length === 0) d.aliases.delete(k);
    },
    async listAliases() { return [...d.aliases.values()]; },
    async addForward(address, to) {
      needDomain(address);
      taken(address);
      d.forwards.set(key(address), { address, to });
    },
    async removeForward(address) { d.forwards.delete(key(address)); },
    async listForwards() { return [...d.forwards.values()]; },
    async createList(input) {
      needDomain(input.address);
      taken(input.address);
      const l = { ...input, members: [] };
      d.lists.set(key(input.address), l);
      return l;
    },
    async addListMembers(list, members) {
      const l = d.lists.get(key(list))!;
      for (const m of members) if (!l.members.includes(m)) l.members.push(m);
    },
    async removeListMembers(list, members) {
      const l = d.lists.get(key(list))!;
      l.members = l.members.filter((m) => !members.includes(m));
    },
    async getList(address) { const l = d.lists.get(key(address)); return l ? { ...l, members: [...l.members] } : null; },
    async listLists() { return [...d.lists.values()]; },
    async removeList(address) { d.lists.delete(key(address)); },
    async lookup() { return null; },
  };
}

export function fakeStore(d: FakeData): Store {
  d.opened++;
  const notHere = () => { throw new Error('not in the fake store'); };
  return {
    kind: 'sqlite',
    directory: directory(d),
    mail: {
      async quotaUsage() { return { bytes: 0, messages: 0 }; },
      async listMailboxes(accountId: number) {
        return [{ id: 1, accountId, name: 'INBOX', uidValidity: 1, uidNext: 1, highestModseq: 1, specialUse: null, subscribed: true }];
      },
    },
    blobs: { put: notHere },
    queue: {},
    locks: {},
    events: { async publish() {}, subscribe: () => () => {} },
    async close() { d.closed++; },
  } as unknown as Store;
}
