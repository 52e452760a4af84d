/**
 * `posthorn mail` on the local cache (cache.ts), with no network: reads come from the
 * Maildir, and flags, deletions and moves are recorded for the next `mail sync` to upload
 * (RFC 4549 §4.2). Numbers are the UIDs the server gave.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accountCacheDir, FolderCache, type CachedMessage } from './cache.js';
import { ClientError } from './errors.js';
import type { ListOptions, MailSource, Summary } from './source.js';

export class CacheSource implements MailSource {
  private caches = new Map<string, FolderCache>();

  constructor(readonly account: string) {}

  get label(): string {
    return 'local cache';
  }

  private cache(folder: string): FolderCache {
    let c = this.caches.get(folder);
    if (!c) {
      c = new FolderCache(this.account, folder);
      if (!c.exists) throw new ClientError('not-found', `no cached copy of ${folder} for ${this.account}: run posthorn mail sync first`);
      this.caches.set(folder, c);
    }
    return c;
  }

  private pick(folder: string, ns: number[]): CachedMessage[] {
    const c = this.cache(folder);
    return ns.map((n) => {
      const m = c.get(n);
      if (!m || m.deleted || m.moveTo) throw new ClientError('not-found', `no message ${n} in ${folder} (local cache)`);
      return m;
    });
  }

  async list(folder: string, o: ListOptions): Promise<Summary[]> {
    const c = this.cache(folder);
    const needle = o.search?.toLowerCase();
    return c
      .visible()
      .filter((m) => !o.unseen || !m.flags.includes('\\Seen'))
      .filter((m) => !needle || `${m.subject}\n${m.from}`.toLowerCase().includes(needle) || c.raw(m).toString('utf8').toLowerCase().includes(needle))
      .map((m) => ({ n: m.uid, date: m.date, from: m.from, subject: m.subject, size: m.size, flags: m.flags, attachment: m.attachment }));
  }

  async raw(folder: string, n: number, markSeen: boolean): Promise<Buffer> {
    const [m] = this.pick(folder, [n]);
    const c = this.cache(folder);
    const raw = c.raw(m);
    if (markSeen && !m.flags.includes('\\Seen')) {
      c.setFlags(m, [...m.flags, '\\Seen']);
      c.save();
    }
    return raw;
  }

  async flag(folder: string, ns: number[], add: string[], remove: string[]): Promise<void> {
    const c = this.cache(folder);
    const gone = new Set(remove.map((f) => f.toLowerCase()));
    for (const m of this.pick(folder, ns)) c.setFlags(m, [...m.flags.filter((f) => !gone.has(f.toLowerCase())), ...add]);
    c.save();
  }

  async delete(folder: string, ns: number[]): Promise<void> {
    const c = this.cache(folder);
    for (const m of this.pick(folder, ns)) m.deleted = true;
    c.save();
  }

  async move(folder: string, ns: number[], target: string): Promise<void> {
    const c = this.cache(folder);
    for (const m of this.pick(folder, ns)) m.moveTo = target;
    c.save();
  }

  async folders(): Promise<string[]> {
    try {
      return JSON.parse(readFileSync(join(accountCacheDir(this.account), 'folders.json'), 'utf8')) as string[];
    } catch {
      throw new ClientError('not-found', `no cached folder list for ${this.account}: run posthorn mail sync first`);
    }
  }

  async close(): Promise<void> {}
}
