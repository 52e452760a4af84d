/**
 * The embedded backend: SQLite (better-sqlite3) in WAL mode with synchronous=FULL, so a
 * commit is fsynced before its promise resolves; blobs as files under DATA/blobs.
 * Migrations run on open. Stores opened on the same file in one process share one
 * connection (reference-counted): better-sqlite3 is synchronous, so a second connection
 * waiting on busy_timeout would block the event loop while the first one's transaction
 * needs it to finish — a deadlock. Kysely serializes use of the shared connection.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Kysely } from 'kysely';
import { FsBlobStore } from '../blob-fs/index.js';
import { referencedBlobs } from '../sql/blob-refs.js';
import { makeSql } from '../sql/db.js';
import { SqlDirectory } from '../sql/directory.js';
import { SqlMailStore } from '../sql/mail-store.js';
import { migrate } from '../sql/migrations.js';
import { SqlQueueStore } from '../sql/queue.js';
import { SqlUrlAuthKeys } from '../sql/urlauth.js';
import type { DB } from '../sql/schema.js';
import type { Store } from '../types.js';
import { ImmediateSqliteDialect } from './dialect.js';
import { localEvents, localLocks } from './local.js';

interface Shared { db: Promise<Kysely<DB>>; refs: number }
const open = new Map<string, Shared>();

async function connect(path: string): Promise<Kysely<DB>> {
  const raw = new Database(path);
  raw.pragma('busy_timeout = 10000'); // first: the pragmas below may wait for another process
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  const db = new Kysely<DB>({ dialect: new ImmediateSqliteDialect(raw) });
  try {
    await migrate(db, 'sqlite');
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}

async function acquire(key: string): Promise<Kysely<DB>> {
  let sh = open.get(key);
  if (!sh) {
    sh = { db: connect(key), refs: 0 };
    open.set(key, sh);
  }
  sh.refs++;
  try {
    return await sh.db;
  } catch (err) {
    if (--sh.refs === 0) open.delete(key);
    throw err;
  }
}

async function releaseDb(key: string): Promise<void> {
  const sh = open.get(key);
  if (!sh || --sh.refs > 0) return;
  open.delete(key);
  await (await sh.db).destroy();
}

export async function openSqliteStore(opts: { path: string; dataDir: string }): Promise<Store> {
  const path = resolve(opts.path);
  mkdirSync(dirname(path), { recursive: true });
  if (!existsSync(path)) closeSync(openSync(path, 'a'));
  const key = realpathSync(path);
  const db = await acquire(key);
  const s = makeSql(db, 'sqlite');
  let closed = false;
  const events = localEvents(key);
  return {
    kind: 'sqlite',
    blobs: new FsBlobStore(join(resolve(opts.dataDir), 'blobs'), (ids) => referencedBlobs(db, ids)),
    directory: new SqlDirectory(s),
    mail: new SqlMailStore(s),
    queue: new SqlQueueStore(s),
    urlauth: new SqlUrlAuthKeys(s),
    locks: localLocks(key),
    events,
    async close() {
      if (closed) return;
      closed = true;
      events.close();
      await releaseDb(key);
    },
  };
}
