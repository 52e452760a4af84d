/**
 * An in-memory stand-in for the parts of Store the POP3 server uses (directory look-up,
 * INBOX rows, blobs, locks, events), so the server's tests run before and besides the real
 * backends. Same contracts as store/types.ts for the methods it has; others throw.
 */
import { createHash } from 'node:crypto';
import type {
  Account, BlobStore, Directory, EventTransport, LockHandle, Locks, Mailbox, MailboxEvent, MailboxStatus, MailStore,
  MessageRow, NewMessage, Store, UidRanges,
} from '../../../src/store/types.js';

export function memoryStore(): Store {
  const blobs = new Map<string, Buffer>();
  const accounts: Account[] = [];
  const mailboxes: Mailbox[] = [];
  const rows: MessageRow[] = [];
  const held = new Set<string>();
  const handlers = new Set<(e: MailboxEvent) => void>();

  const blobStore: Partial<BlobStore> = {
    async put(data) {
      const id = createHash('sha256').update(data).digest('hex');
      blobs.set(id, Buffer.from(data));
      return id;
    },
    async get(id) {
      const b = blobs.get(id);
      if (!b) throw new Error('not-found');
      return b;
    },
  };
  const domains = new Set<string>();
  const directory: Partial<Directory> = {
    async addDomain(name) {
      domains.add(name.toLowerCase());
      return { name, createdAt: Date.now() };
    },
    async isLocalDomain(name) {
      return domains.has(name.toLowerCase());
    },
    async addAccount(input) {
      const a: Account = { id: accounts.length + 1, address: input.address, passwordHash: input.passwordHash, apopSecret: input.apopSecret ?? null, quota: null, createdAt: Date.now() };
      accounts.push(a);
      mailboxes.push({ id: mailboxes.length + 1, accountId: a.id, name: 'INBOX', uidValidity: 1700000000 + a.id, uidNext: 1, highestModseq: 1, specialUse: null, subscribed: true });
      return a;
    },
    async getAccount(address) {
      return accounts.find((a) => a.address.toLowerCase() === address.toLowerCase()) ?? null;
    },
  };
  const inRanges = (uid: number, r: UidRanges) => r.some(([a, b]) => uid >= a && uid <= b);
  const mail: Partial<MailStore> = {
    async getMailbox(accountId, name) {
      return mailboxes.find((m) => m.accountId === accountId && m.name.toUpperCase() === name.toUpperCase()) ?? null;
    },
    async getMessages(mailboxId, uids) {
      return rows.filter((r) => r.mailboxId === mailboxId && inRanges(r.uid, uids)).sort((a, b) => a.uid - b.uid);
    },
    async append(items: Array<{ mailboxId: number; message: NewMessage }>) {
      return items.map(({ mailboxId, message }) => {
        const mb = mailboxes.find((m) => m.id === mailboxId);
        if (!mb) throw new Error('no mailbox');
        const uid = mb.uidNext++;
        const modseq = ++mb.highestModseq;
        rows.push({ mailboxId, uid, modseq, flags: message.flags, internalDate: message.internalDate, size: message.size, blobId: message.blobId, metadata: message.metadata });
        return { mailboxId, uid, modseq };
      });
    },
    async removeMessages(mailboxId, uids) {
      const removed: number[] = [];
      for (let i = rows.length - 1; i >= 0; i--) {
        if (rows[i].mailboxId === mailboxId && uids.includes(rows[i].uid)) removed.unshift(rows.splice(i, 1)[0].uid);
      }
      const mb = mailboxes.find((m) => m.id === mailboxId);
      if (mb && removed.length > 0) mb.highestModseq++;
      return removed.sort((a, b) => a - b);
    },
    async status(mailboxId): Promise<MailboxStatus> {
      const mb = mailboxes.find((m) => m.id === mailboxId);
      if (!mb) throw new Error('no mailbox');
      const mine = rows.filter((r) => r.mailboxId === mailboxId);
      return { messages: mine.length, unseen: 0, recent: 0, uidNext: mb.uidNext, uidValidity: mb.uidValidity, highestModseq: mb.highestModseq, size: mine.reduce((s, r) => s + r.size, 0), deleted: 0 };
    },
  };
  const locks: Locks = {
    async tryLock(key) {
      if (held.has(key)) return null;
      held.add(key);
      let released = false;
      const handle: LockHandle = { async release() { if (!released) { released = true; held.delete(key); } } };
      return handle;
    },
  };
  const events: EventTransport = {
    async publish(e) { for (const h of handlers) h(e); },
    subscribe(h) { handlers.add(h); return () => handlers.delete(h); },
  };
  const store: Partial<Store> = {
    kind: 'sqlite', blobs: blobStore as BlobStore, directory: directory as Directory, mail: mail as MailStore, locks, events,
    async close() {},
  };
  return store as Store;
}
