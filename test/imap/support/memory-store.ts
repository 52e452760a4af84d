/**
 * An in-memory Store for the IMAP server's tests (WildDuck's habit: the protocol core is
 * tested against an in-memory store). It keeps the MailStore contract of store/types.ts:
 * ascending UIDs never reused, a new MODSEQ per change, tombstones for expunges, INBOX
 * matched in any case, parents created with a mailbox, children kept on delete. Directory,
 * blobs and events have just what the IMAP server and its tests use.
 */
import { memoryBlobWriter } from '../../support/memory-blob-writer.js';
import { createHash } from 'node:crypto';
import { UserError } from '../../../src/lib/errors.js';
import { summaryOfJson } from '../../../src/mime/summary.js';
import type {
  Account, BlobStore, ChangesSince, Directory, EventTransport, Flag, FlagMode, Mailbox, MailboxEvent, MailboxStatus,
  MailStore, MessageFlags, MessageRow, NewMessage, SortField, Store, StoreFlagsResult, UidRanges, UrlAuthKeys,
} from '../../../src/store/types.js';

interface Row extends MessageRow { searchText: string }
interface Box extends Mailbox { rows: Row[]; tombstones: Array<{ uid: number; modseq: number }> }

const inRanges = (r: UidRanges, u: number) => r.some(([a, b]) => u >= a && u <= b);
const hasFlag = (flags: Flag[], f: string) => flags.some((x) => x.toLowerCase() === f.toLowerCase());

export function memoryStore(): Store {
  const blobs = new Map<string, Buffer>();
  const accounts: Account[] = [];
  const boxes: Box[] = [];
  const handlers = new Set<(e: MailboxEvent) => void>();
  let nextBoxId = 1;

  const box = (id: number): Box => {
    const b = boxes.find((x) => x.id === id);
    if (!b) throw new UserError('no such mailbox', 'not-found');
    return b;
  };
  const find = (accountId: number, name: string): Box | undefined =>
    boxes.find((b) => b.accountId === accountId && (b.name === name || (name.toUpperCase() === 'INBOX' && b.name === 'INBOX')));
  // Subscriptions are names of their own (store/types.ts MailStore.setSubscribed).
  const subs = new Set<string>();
  const subKey = (accountId: number, name: string) => `${accountId}\0${name}`;
  const pub = (b: Box): Mailbox => {
    const { rows: _r, tombstones: _t, ...m } = b;
    return { ...m, subscribed: subs.has(subKey(b.accountId, b.name)) };
  };
  const make = (accountId: number, name: string, subscribed = false): Box => {
    if (subscribed) subs.add(subKey(accountId, name));
    const b: Box = { id: nextBoxId++, accountId, name, uidValidity: 1000 + nextBoxId, uidNext: 1, highestModseq: 1, specialUse: null, subscribed, rows: [], tombstones: [] };
    boxes.push(b);
    return b;
  };
  const light = (r: Row): MessageFlags => ({ uid: r.uid, modseq: r.modseq, flags: [...r.flags] });
  const full = (r: Row): MessageRow => ({ mailboxId: r.mailboxId, uid: r.uid, modseq: r.modseq, flags: [...r.flags], internalDate: r.internalDate, size: r.size, blobId: r.blobId, metadata: r.metadata });
  const addRow = (b: Box, m: NewMessage): Row => {
    const r: Row = { mailboxId: b.id, uid: b.uidNext++, modseq: ++b.highestModseq, flags: [...m.flags], internalDate: m.internalDate, size: m.size, blobId: m.blobId, metadata: m.metadata, searchText: m.searchText };
    b.rows.push(r);
    return r;
  };
  const remove = (b: Box, uids: number[]): number[] => {
    const gone = new Set(uids);
    const out = b.rows.filter((r) => gone.has(r.uid)).map((r) => r.uid);
    if (out.length === 0) return out;
    const modseq = ++b.highestModseq;
    b.rows = b.rows.filter((r) => !gone.has(r.uid));
    for (const uid of out) b.tombstones.push({ uid, modseq });
    return out;
  };

  const blobStore: BlobStore = {
    createWriter: () => memoryBlobWriter((d) => blobStore.put(d)),
    async put(data) {
      const id = createHash('sha256').update(data).digest('hex');
      blobs.set(id, Buffer.from(data));
      return id;
    },
    async get(id) {
      const b = blobs.get(id);
      if (!b) throw new UserError('no such blob', 'not-found');
      return b;
    },
    async getRange(id, start, end) {
      return (await blobStore.get(id)).subarray(start, end);
    },
    async has(id) { return blobs.has(id); },
    async collectGarbage() { return 0; },
  };

  const directory = {
    async addAccount(input: { address: string; passwordHash: string; apopSecret?: string | null }) {
      const a: Account = { id: accounts.length + 1, address: input.address, passwordHash: input.passwordHash, apopSecret: input.apopSecret ?? null, quota: null, createdAt: Date.now() };
      accounts.push(a);
      make(a.id, 'INBOX', true);
      return a;
    },
    async isLocalDomain() { return true; },
    async getAccount(address: string) { return accounts.find((a) => a.address.toLowerCase() === address.toLowerCase()) ?? null; },
    async getAccountById(id: number) { return accounts.find((a) => a.id === id) ?? null; },
  } as unknown as Directory;

  const recentMarks = new Map<number, number>();
  const mail: MailStore = {
    async listMailboxes(accountId) { return boxes.filter((b) => b.accountId === accountId).map(pub); },
    async getMailbox(accountId, name) { const b = find(accountId, name); return b ? pub(b) : null; },
    async getMailboxById(id) { const b = boxes.find((x) => x.id === id); return b ? pub(b) : null; },
    async createMailbox(accountId, name, opts) {
      if (find(accountId, name)) throw new UserError('mailbox exists', 'duplicate');
      const parts = name.split('/');
      for (let i = 1; i < parts.length; i++) if (!find(accountId, parts.slice(0, i).join('/'))) make(accountId, parts.slice(0, i).join('/'));
      const b = make(accountId, name, opts?.subscribed ?? false);
      b.specialUse = opts?.specialUse ?? null;
      return pub(b);
    },
    async renameMailbox(accountId, from, to) {
      const src = find(accountId, from);
      if (!src) throw new UserError('no such mailbox', 'not-found');
      if (find(accountId, to)) throw new UserError('mailbox exists', 'duplicate');
      if (src.name === 'INBOX') {
        const dst = make(accountId, to);
        for (const r of src.rows) addRow(dst, { ...r, searchText: r.searchText });
        remove(src, src.rows.map((r) => r.uid));
        return;
      }
      const old = src.name;
      for (const b of boxes) {
        if (b.accountId !== accountId) continue;
        if (b.name === old) b.name = to;
        else if (b.name.startsWith(old + '/')) b.name = to + b.name.slice(old.length);
      }
    },
    async deleteMailbox(accountId, name) {
      const b = find(accountId, name);
      if (!b) throw new UserError('no such mailbox', 'not-found');
      if (b.name === 'INBOX') throw new UserError('INBOX cannot be deleted', 'conflict');
      boxes.splice(boxes.indexOf(b), 1);
    },
    async setSubscribed(accountId, name, subscribed) {
      const b = find(accountId, name);
      if (subscribed && !b) throw new UserError('no such mailbox', 'not-found');
      const n = b?.name ?? name;
      if (subscribed) subs.add(subKey(accountId, n));
      else subs.delete(subKey(accountId, n));
    },
    async listSubscriptions(accountId) {
      return [...subs].filter((k) => k.startsWith(`${accountId}\0`)).map((k) => k.slice(k.indexOf('\0') + 1)).sort();
    },
    async status(id): Promise<MailboxStatus> {
      const b = box(id);
      return {
        messages: b.rows.length, unseen: b.rows.filter((r) => !hasFlag(r.flags, '\\Seen')).length,
        unclaimed: b.rows.filter((r) => r.uid > (recentMarks.get(id) ?? 0)).length,
        uidNext: b.uidNext, uidValidity: b.uidValidity, highestModseq: b.highestModseq,
        size: b.rows.reduce((n, r) => n + r.size, 0), deleted: b.rows.filter((r) => hasFlag(r.flags, '\\Deleted')).length,
        deletedSize: b.rows.filter((r) => hasFlag(r.flags, '\\Deleted')).reduce((n, r) => n + r.size, 0),
      };
    },
    async append(items) {
      return items.map(({ mailboxId, message }) => {
        const r = addRow(box(mailboxId), message);
        return { mailboxId, uid: r.uid, modseq: r.modseq };
      });
    },
    async copy(from, uids, to) {
      const src = box(from);
      const dst = box(to);
      return src.rows.filter((r) => inRanges(uids, r.uid)).map((r) => [r.uid, addRow(dst, { ...r }).uid] as [number, number]);
    },
    async move(from, uids, to) {
      const pairs = await mail.copy(from, uids, to);
      remove(box(from), pairs.map((p) => p[0]));
      return pairs;
    },
    async storeFlags(id, uids, mode: FlagMode, flags, unchangedSince): Promise<StoreFlagsResult> {
      const b = box(id);
      const res: StoreFlagsResult = { updated: [], modified: [] };
      for (const r of b.rows) {
        if (!inRanges(uids, r.uid)) continue;
        if (unchangedSince !== undefined && r.modseq > unchangedSince) { res.modified.push(r.uid); continue; }
        let next: Flag[];
        if (mode === 'replace') next = [...new Map(flags.map((f) => [f.toLowerCase(), f])).values()];
        else if (mode === 'add') next = [...r.flags, ...flags.filter((f) => !hasFlag(r.flags, f))].filter((f, i, a) => a.findIndex((x) => x.toLowerCase() === f.toLowerCase()) === i);
        else next = r.flags.filter((f) => !hasFlag(flags, f));
        const same = next.length === r.flags.length && next.every((f) => hasFlag(r.flags, f));
        if (!same) { r.flags = next; r.modseq = ++b.highestModseq; }
        if (!same || mode === 'replace') res.updated.push(light(r));
      }
      return res;
    },
    async expunge(id, uids) {
      const b = box(id);
      return remove(b, b.rows.filter((r) => hasFlag(r.flags, '\\Deleted') && (!uids || inRanges(uids, r.uid))).map((r) => r.uid));
    },
    async removeMessages(id, uids) { return remove(box(id), uids); },
    async listFlags(id) { return box(id).rows.map(light); },
    async selectView(id) {
      const rows = box(id).rows;
      const keywords = [...new Map(rows.flatMap((r) => r.flags.filter((f) => !f.startsWith('\\'))).map((k) => [k.toLowerCase(), k])).values()];
      return { uids: rows.map((r) => r.uid), keywords, firstUnseen: rows.find((r) => !hasFlag(r.flags, '\\Seen'))?.uid ?? 0 };
    },
    async flagsPage(id, from, to, limit) { return box(id).rows.filter((r) => r.uid >= from && r.uid <= to).slice(0, limit).map(light); },
    async getMessages(id, uids) { return box(id).rows.filter((r) => inRanges(uids, r.uid)).map(full); },
    async getMessageHeads(id, uids) {
      return box(id).rows.filter((r) => inRanges(uids, r.uid)).map((r) => {
        const { metadata, ...head } = full(r);
        return { ...head, metadataOctets: Buffer.byteLength(metadata) };
      });
    },
    async getMetadata(id, uids) { return new Map(box(id).rows.filter((r) => inRanges(uids, r.uid)).map((r) => [r.uid, r.metadata])); },
    async getSummaries(id, uids) {
      return box(id).rows.filter((r) => inRanges(uids, r.uid)).map((r) => {
        const f = summaryOfJson(r.metadata);
        return { uid: r.uid, internalDate: r.internalDate, size: r.size, sentDate: f.sentDate, sentDay: f.sentDay };
      });
    },
    async searchSubject(id, value) {
      return box(id).rows.filter((r) => summaryOfJson(r.metadata).searchSubject.includes(value.toLowerCase())).map((r) => r.uid);
    },
    async sortUids(id, criteria) {
      const key = (r: Row, k: SortField): number | string => {
        const f = summaryOfJson(r.metadata);
        const byKey: Record<SortField, number | string> = {
          ARRIVAL: r.internalDate, SIZE: r.size, DATE: f.sentDate ?? r.internalDate, SUBJECT: f.sortSubject, FROM: f.sortFrom,
          TO: f.sortTo, CC: f.sortCc, DISPLAYFROM: f.sortDisplayFrom, DISPLAYTO: f.sortDisplayTo,
        };
        return byKey[k];
      };
      const cmp = (a: Row, b: Row): number => {
        for (const c of criteria) {
          const x = key(a, c.key);
          const y = key(b, c.key);
          const d = x < y ? -1 : x > y ? 1 : 0;
          if (d !== 0) return c.reverse ? -d : d;
        }
        return a.uid - b.uid;
      };
      return [...box(id).rows].sort(cmp).map((r) => r.uid);
    },
    async getMessagesBySeq(id, from, to) { return box(id).rows.slice(from - 1, to).map(full); },
    async changesSince(id, modseq): Promise<ChangesSince> {
      const b = box(id);
      return { changed: b.rows.filter((r) => r.modseq > modseq).map(light), expunged: b.tombstones.filter((t) => t.modseq > modseq).map((t) => t.uid) };
    },
    async searchText(id, query) {
      const words = query.toLowerCase().split(/\s+/).filter(Boolean);
      return box(id).rows.filter((r) => words.every((w) => r.searchText.toLowerCase().includes(w))).map((r) => r.uid);
    },
    async claimRecent(id, upTo) {
      const before = recentMarks.get(id) ?? 0;
      if (upTo > before) recentMarks.set(id, upTo);
      return before;
    },
    async quotaUsage(accountId) {
      const rows = boxes.filter((b) => b.accountId === accountId).flatMap((b) => b.rows);
      return { bytes: rows.reduce((n, r) => n + r.size, 0), messages: rows.length };
    },
  };

  const events: EventTransport = {
    async publish(e) { for (const h of handlers) h(e); },
    subscribe(h) { handlers.add(h); return () => handlers.delete(h); },
  };

  const keys = new Map<number, { accountId: number; key: string }>();
  const urlauth: UrlAuthKeys = {
    async get(mailboxId) { return keys.get(mailboxId)?.key ?? null; },
    async getOrCreate(accountId, mailboxId, fresh) {
      if (!keys.has(mailboxId)) keys.set(mailboxId, { accountId, key: fresh });
      return (keys.get(mailboxId) as { key: string }).key;
    },
    async reset(accountId, mailboxId) {
      for (const [id, k] of keys) if (k.accountId === accountId && (mailboxId === undefined || id === mailboxId)) keys.delete(id);
    },
  };

  return {
    kind: 'sqlite', blobs: blobStore, directory, mail, events, urlauth,
    queue: {} as Store['queue'],
    locks: { async tryLock() { return { async release() {} }; } },
    async close() {},
  };
}
