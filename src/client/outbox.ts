/**
 * The offline outbox (issue 7 "Offline"): a message that could not be submitted is kept as
 * `<id>.eml` plus `<id>.json` (envelope, account, last error) under
 * $XDG_DATA_HOME/posthorn/outbox, and sent by `posthorn send --flush` or `mail sync`.
 * Invariants: the .eml is written before the .json (a .json always has its message); an
 * entry is removed only after the server accepted it.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { dataDir } from './paths.js';

export interface OutboxEntry {
  id: string;
  /** Account name, or null when explicit flags were used (then flushing needs --server). */
  account: string | null;
  from: string;
  recipients: string[];
  queuedAt: string;
  lastError: string;
}

function dir(): string {
  return join(dataDir(), 'outbox');
}

function writeAtomic(path: string, data: Buffer | string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, path);
}

export function enqueue(e: Omit<OutboxEntry, 'id' | 'queuedAt'>, raw: Buffer): OutboxEntry {
  mkdirSync(dir(), { recursive: true, mode: 0o700 });
  const id = `${Date.now()}-${randomBytes(4).toString('hex')}`;
  const entry: OutboxEntry = { ...e, id, queuedAt: new Date().toISOString() };
  writeAtomic(join(dir(), `${id}.eml`), raw);
  writeAtomic(join(dir(), `${id}.json`), JSON.stringify(entry, null, 2));
  return entry;
}

export function pending(): OutboxEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir());
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => JSON.parse(readFileSync(join(dir(), n), 'utf8')) as OutboxEntry);
}

export function message(e: OutboxEntry): Buffer {
  return readFileSync(join(dir(), `${e.id}.eml`));
}

export function remove(e: OutboxEntry): void {
  rmSync(join(dir(), `${e.id}.json`), { force: true });
  rmSync(join(dir(), `${e.id}.eml`), { force: true });
}

export function noteFailure(e: OutboxEntry, error: string): void {
  writeAtomic(join(dir(), `${e.id}.json`), JSON.stringify({ ...e, lastError: error }, null, 2));
}
