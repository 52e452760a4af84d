/**
 * The local mail cache of the disconnected access model (RFC 1733, RFC 4549): one Maildir per
 * account and folder under $XDG_DATA_HOME/posthorn/cache/<account>/<folder>/ (cur/ new/ tmp/)
 * plus index.json: the server's UIDVALIDITY / UIDNEXT / HIGHESTMODSEQ as of the last sync and,
 * per UID, the summary `mail list` shows, the flags as the person set them (`flags`) and as
 * the server last had them (`serverFlags`), and pending deletions and moves.
 *
 * Invariants:
 *  - A message file is written to tmp/ and renamed into cur/ (Maildir delivery), and the
 *    index is written atomically after it, so an index entry always has its file.
 *  - The Maildir info suffix (":2,FRS…") mirrors the standard flags (`flags`), so other
 *    Maildir readers (mutt) see the same state; keywords live only in the index.
 *  - `flags` ≠ `serverFlags`, `deleted` and `moveTo` are the changes the next sync uploads.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir, safeSegment } from './paths.js';

export interface CachedMessage {
  uid: number;
  file: string;
  size: number;
  /** Date: header (ms), else INTERNALDATE, else null. */
  date: number | null;
  from: string;
  subject: string;
  attachment: boolean;
  flags: string[];
  serverFlags: string[];
  deleted?: boolean;
  moveTo?: string;
  /** POP3 caches: the server's UIDL. */
  uidl?: string;
}

export interface FolderIndex {
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  messages: Record<string, CachedMessage>;
  /** POP3 with --keep: UIDLs already downloaded (RFC 1939 §7). */
  seenUidls?: string[];
}

const MAILDIR_FLAGS: Array<[string, string]> = [
  ['D', '\\Draft'],
  ['F', '\\Flagged'],
  ['R', '\\Answered'],
  ['S', '\\Seen'],
  ['T', '\\Deleted'],
];

export function accountCacheDir(account: string): string {
  return join(dataDir(), 'cache', safeSegment(account));
}

export class FolderCache {
  readonly dir: string;
  index: FolderIndex;
  private made = false;

  constructor(account: string, readonly folder: string) {
    this.dir = join(accountCacheDir(account), safeSegment(folder));
    this.index = this.load();
  }

  get exists(): boolean {
    return existsSync(join(this.dir, 'index.json'));
  }

  private load(): FolderIndex {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'index.json'), 'utf8')) as FolderIndex;
    } catch {
      return { uidValidity: 0, uidNext: 0, highestModseq: 0, messages: {} };
    }
  }

  private mkdirs(): void {
    if (this.made) return;
    for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(this.dir, d), { recursive: true, mode: 0o700 });
    this.made = true;
  }

  save(): void {
    this.mkdirs();
    const tmp = join(this.dir, 'index.json.tmp');
    writeFileSync(tmp, JSON.stringify(this.index));
    renameSync(tmp, join(this.dir, 'index.json'));
  }

  /** Drops everything (UIDVALIDITY changed, RFC 4549 §4.1). */
  reset(uidValidity: number): void {
    rmSync(this.dir, { recursive: true, force: true });
    this.made = false;
    this.index = { uidValidity, uidNext: 0, highestModseq: 0, messages: {} };
  }

  all(): CachedMessage[] {
    return Object.values(this.index.messages).sort((a, b) => a.uid - b.uid);
  }

  /** Messages a person sees: not deleted or moved away offline. */
  visible(): CachedMessage[] {
    return this.all().filter((m) => !m.deleted && !m.moveTo);
  }

  get(uid: number): CachedMessage | undefined {
    return this.index.messages[uid];
  }

  maxUid(): number {
    let max = 0;
    for (const k of Object.keys(this.index.messages)) max = Math.max(max, Number(k));
    return max;
  }

  /** Stores a downloaded message (Maildir: tmp/ then rename into cur/). */
  add(m: Omit<CachedMessage, 'file'>, raw: Buffer): void {
    this.mkdirs();
    const base = `${m.uid}.${this.index.uidValidity}.posthorn`;
    const tmp = join(this.dir, 'tmp', base);
    writeFileSync(tmp, raw);
    const file = `${base}:2,${maildirInfo(m.flags)}`;
    renameSync(tmp, join(this.dir, 'cur', file));
    this.index.messages[m.uid] = { ...m, file };
  }

  raw(m: CachedMessage): Buffer {
    return readFileSync(join(this.dir, 'cur', m.file));
  }

  /** Sets the local flags and renames the file to match. */
  setFlags(m: CachedMessage, flags: string[]): void {
    const uniq = [...new Set(flags)];
    const file = `${m.file.replace(/:2,.*$/, '')}:2,${maildirInfo(uniq)}`;
    if (file !== m.file) {
      renameSync(join(this.dir, 'cur', m.file), join(this.dir, 'cur', file));
      m.file = file;
    }
    m.flags = uniq;
  }

  drop(uid: number): void {
    const m = this.index.messages[uid];
    if (!m) return;
    rmSync(join(this.dir, 'cur', m.file), { force: true });
    delete this.index.messages[uid];
  }
}

/** Maildir "2," info: the standard flags as letters in ASCII order. */
function maildirInfo(flags: readonly string[]): string {
  return MAILDIR_FLAGS.filter(([, f]) => flags.includes(f)).map(([c]) => c).join('');
}

export function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a.map((f) => f.toLowerCase()));
  const y = new Set(b.map((f) => f.toLowerCase()));
  return x.size === y.size && [...x].every((f) => y.has(f));
}
