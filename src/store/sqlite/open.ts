/**
 * The embedded backend: SQLite (better-sqlite3) in WAL mode; a commit is fsynced before
 * its promise resolves, by an fdatasync of the WAL off the event loop (wal-sync.ts).
 * Small blobs live in the database, larger ones as files under DATA/blobs (sqlite/blobs.ts).
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
import { SqlBlobStore } from '../blob-sql/index.js';
import { referencedBlobs } from '../sql/blob-refs.js';
import { INLINE_BLOB_LIMIT } from '../sql/blob-rows.js';
import { makeSql } from '../sql/db.js';
import { SqlDirectory } from '../sql/directory.js';
import { DirectoryCache } from '../sql/directory-cache.js';
import { SqlMailStore } from '../sql/mail-store.js';
import { migrate } from '../sql/migrations.js';
import { SqlQueueStore } from '../sql/queue.js';
import { SqlUrlAuthKeys } from '../sql/urlauth.js';
import type { DB } from '../sql/schema.js';
import type { Store } from '../types.js';
import { TieredBlobStore } from './blobs.js';
import { ImmediateSqliteDialect } from './dialect.js';
import { localEvents, localLocks } from './local.js';
import { WalSync } from './wal-sync.js';

interface Connected { db: Kysely<DB>; cache: DirectoryCache }
interface Shared { db: Promise<Connected>; wal: WalSync; refs: number }
const open = new Map<string, Shared>();

async function connect(path: string, wal: WalSync): Promise<Connected> {
  const raw = new Database(path);
  raw.pragma('busy_timeout = 10000'); // first: the pragmas below may wait for another process
  raw.pragma('journal_mode = WAL');
  // NORMAL: a commit does not fsync on the event loop; the dialect waits for the WAL's
  // fdatasync on the thread pool before the writer resumes (wal-sync.ts) — as durable as FULL
  raw.pragma('synchronous = NORMAL');
  const db = new Kysely<DB>({ dialect: new ImmediateSqliteDialect(raw, wal) });
  try {
    await migrate(db, 'sqlite');
  } catch (err) {
    await db.destroy();
    await wal.close();
    throw err;
  }
  // one directory cache per connection: data_version moves when another connection commits.
  // The probe runs beside Kysely's connection queue: while a streamed query holds the
  // connection, better-sqlite3 refuses it, and NaN (never equal) means "no memo this time".
  const dataVersion = raw.prepare('PRAGMA data_version').pluck();
  const probe = (): number => {
    try {
      return dataVersion.get() as number;
    } catch {
      return NaN;
    }
  };
  return { db, cache: new DirectoryCache(probe) };
}

async function acquire(key: string): Promise<Connected> {
  let sh = open.get(key);
  if (!sh) {
    const wal = new WalSync(key);
    sh = { db: connect(key, wal), wal, refs: 0 };
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
  await (await sh.db).db.destroy();
  await sh.wal.close();
}

export async function openSqliteStore(opts: { path: string; dataDir: string }): Promise<Store> {
  const path = resolve(opts.path);
  mkdirSync(dirname(path), { recursive: true });
  if (!existsSync(path)) closeSync(openSync(path, 'a'));
  const key = realpathSync(path);
  const { db, cache } = await acquire(key);
  const s = makeSql(db, 'sqlite');
  let closed = false;
  const events = localEvents(key);
  const mail = new SqlMailStore(s);
  return {
    kind: 'sqlite',
    blobs: new TieredBlobStore(
      new SqlBlobStore(db, 'sqlite', INLINE_BLOB_LIMIT),
      new FsBlobStore(join(resolve(opts.dataDir), 'blobs'), (ids) => referencedBlobs(db, ids)),
    ),
    directory: new SqlDirectory(s, cache),
    mail,
    queue: new SqlQueueStore(s),
    urlauth: new SqlUrlAuthKeys(s),
    locks: localLocks(key),
    events,
    async close() {
      if (closed) return;
      closed = true;
      events.close();
      mail.stopIndexing();
      await releaseDb(key);
    },
  };
}
