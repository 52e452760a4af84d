/**
 * A small in-memory Store for SMTP tests that do not need durability: the directory, blob,
 * queue and append parts only. Durable tests (SIGKILL) and the SQL backends use the real
 * store (src/store/open.ts) once it is on main.
 */
import { createHash } from 'node:crypto';
import type { Account, LocalTarget, MailingList, NewMessage, PostingPolicy, QueuedMessage, Store } from '../../../src/store/types.js';
import { memoryBlobWriter } from '../../support/memory-blob-writer.js';
import { UserError } from '../../../src/lib/errors.js';
import { canonicalAddress, canonicalDomain, domainOf } from '../../../src/lib/address.js';

export interface MemoryStore extends Store {
  /** Messages per account id, raw bytes as delivered to INBOX. */
  delivered: Map<number, Buffer[]>;
  queued: QueuedMessage[];
}

export function memoryStore(): MemoryStore {
  const domains = new Set<string>();
  const accounts = new Map<string, Account>();
  const aliases = new Map<string, string[]>();
  const forwards = new Map<string, string>();
  const lists = new Map<string, MailingList>();
  const blobs = new Map<string, Buffer>();
  const delivered = new Map<number, Buffer[]>();
  const queued: QueuedMessage[] = [];
  let nextId = 1;
  const key = (a: string) => (a.startsWith('@') ? `@${canonicalDomain(a.slice(1))}` : (canonicalAddress(a) ?? a.toLowerCase()));
  const usage = (id: number) => (delivered.get(id) ?? []).reduce((n, b) => n + b.length, 0);

  const store = {
    kind: 'sqlite',
    delivered,
    queued,
    blobs: {
      createWriter: () => memoryBlobWriter((d) => store.blobs.put(d)),
      async getRange(id: string, start: number, end: number) {
        return (await store.blobs.get(id)).subarray(start, end);
      },
      async put(data: Uint8Array) {
        const id = createHash('sha256').update(data).digest('hex');
        blobs.set(id, Buffer.from(data));
        return id;
      },
      async get(id: string) {
        const b = blobs.get(id);
        if (!b) throw new UserError('no blob', 'not-found');
        return b;
      },
    },
    directory: {
      async addDomain(name: string) {
        domains.add(canonicalDomain(name)!);
        return { name, createdAt: Date.now() };
      },
      async listDomains() {
        return [...domains].map((name) => ({ name, createdAt: 0 }));
      },
      async isLocalDomain(name: string) {
        return domains.has(canonicalDomain(name) ?? name);
      },
      async addAccount(input: { address: string; passwordHash: string; apopSecret?: string | null; quota?: number | null }) {
        if (!domains.has(canonicalDomain(domainOf(input.address))!)) throw new UserError('unknown domain');
        const a: Account = { id: nextId++, address: input.address, passwordHash: input.passwordHash, apopSecret: input.apopSecret ?? null, quota: input.quota ?? null, createdAt: Date.now() };
        accounts.set(key(input.address), a);
        return a;
      },
      async getAccount(address: string) {
        return accounts.get(key(address)) ?? null;
      },
      async getAccountById(id: number) {
        return [...accounts.values()].find((a) => a.id === id) ?? null;
      },
      async addAlias(source: string, targets: string[]) {
        aliases.set(key(source), [...(aliases.get(key(source)) ?? []), ...targets]);
      },
      async addForward(address: string, to: string) {
        forwards.set(key(address), to);
      },
      async createList(input: { address: string; owner: string; posting: PostingPolicy }) {
        const l: MailingList = { ...input, members: [] };
        lists.set(key(input.address), l);
        return l;
      },
      async addListMembers(list: string, members: string[]) {
        lists.get(key(list))!.members.push(...members);
      },
      async getList(address: string) {
        return lists.get(key(address)) ?? null;
      },
      async lookup(address: string): Promise<LocalTarget | null> {
        const k = key(address);
        const acc = accounts.get(k);
        if (acc) return { kind: 'account', account: acc };
        const al = aliases.get(k);
        if (al) return { kind: 'alias', targets: al };
        const fw = forwards.get(k);
        if (fw) return { kind: 'forward', to: fw };
        const l = lists.get(k);
        if (l) return { kind: 'list', list: l };
        return null;
      },
    },
    mail: {
      async quotaUsage(accountId: number) {
        return { bytes: usage(accountId), messages: (delivered.get(accountId) ?? []).length };
      },
      async append(items: Array<{ mailboxId: number; message: NewMessage }>) {
        for (const it of items) {
          const a = [...accounts.values()].find((x) => x.id === it.mailboxId)!;
          if (a.quota !== null && usage(a.id) + it.message.size > a.quota) throw new UserError('over quota', 'quota');
        }
        return items.map((it) => {
          const list = delivered.get(it.mailboxId) ?? [];
          list.push(blobs.get(it.message.blobId)!);
          delivered.set(it.mailboxId, list);
          return { mailboxId: it.mailboxId, uid: list.length, modseq: list.length };
        });
      },
    },
    queue: {
      async enqueue(input: Omit<QueuedMessage, 'id' | 'arrival' | 'recipients' | 'envid' | 'ret' | 'isBounce' | 'body' | 'smtputf8'> & { recipients: Array<{ address: string; orcpt?: string | null; notify?: string[] | null }> } & Partial<QueuedMessage>) {
        const id = queued.length + 1;
        queued.push({
          id, sender: input.sender, blobId: input.blobId, size: input.size, arrival: Date.now(), envid: input.envid ?? null, ret: input.ret ?? null,
          isBounce: input.isBounce ?? false, body: input.body ?? '7BIT', smtputf8: input.smtputf8 ?? false,
          recipients: input.recipients.map((r, i) => ({
            id: i + 1, messageId: id, address: r.address, orcpt: r.orcpt ?? null, notify: r.notify ?? null, state: 'queued', attempts: 0,
            nextAttempt: Date.now(), lastAttempt: null, lastReply: null, remoteMta: null, delayNotified: false,
          })),
        });
        return id;
      },
    },
    events: { async publish() {}, subscribe: () => () => {} },
    locks: { async tryLock() { return null; } },
    async close() {},
  };
  return store as unknown as MemoryStore;
}

/** A stand-in for mail/deliver (mailbox id = account id here) until it is on main. */
export async function memoryDeliver(
  ctx: { store: Store },
  raw: Buffer,
  targets: Array<{ accountId: number }>,
): Promise<Array<{ accountId: number; mailboxId: number; uid: number }>> {
  const blobId = await ctx.store.blobs.put(raw);
  const seen = [...new Set(targets.map((t) => t.accountId))];
  const placed = await ctx.store.mail.append(seen.map((id) => ({
    mailboxId: id, message: { blobId, size: raw.length, internalDate: Date.now(), flags: [], metadata: '{}', searchText: '' },
  })));
  return placed.map((p, i) => ({ accountId: seen[i], mailboxId: p.mailboxId, uid: p.uid }));
}
