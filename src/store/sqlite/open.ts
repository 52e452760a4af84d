/**
 * The embedded backend: SQLite (better-sqlite3) in WAL mode; a commit is fsynced before
 * its promise resolves, by an fdatasync of the WAL off the event loop (wal-sync.ts).
 * Small blobs live in the database, larger ones as files under DATA/blobs (sqlite/blobs.ts).
 * Migrations run on open. Stores opened on the same file in one process share one
 * connection (reference-counted): better-sqlite3 is synchronous, so a second connection
 * waiting on busy_timeout would block the event loop while the first one's transaction
 * needs it to finish — a deadlock. Kysely serializes use of the shared connection. Worker
 * threads have connections of their own: the checkpointer's runs PASSIVE checkpoints, which
 * never wait (checkpointer.ts); the text worker's and the message writer's write, each
 * only while holding the write gate the event loop's writes take too (write-gate.ts,
 * text-worker.ts, writer.ts). The transactions callers ask for in one turn of the event
 * loop share one BEGIN…COMMIT, each in a savepoint of its own (batched-tx.ts).
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Kysely, type CompiledQuery } from 'kysely';
import { CachedBlobStore } from '../blob-cache.js';
import { FsBlobStore } from '../blob-fs/index.js';
import { SqlBlobStore } from '../blob-sql/index.js';
import { referencedBlobs } from '../sql/blob-refs.js';
import { INLINE_BLOB_LIMIT } from '../sql/blob-rows.js';
import { makeSql, type Sql } from '../sql/db.js';
import { SqlDirectory } from '../sql/directory.js';
import { DirectoryCache } from '../sql/directory-cache.js';
import { SqlMailStore } from '../sql/mail-store.js';
import { migrate } from '../sql/migrations.js';
import { registerRunNow } from '../sql/prepared.js';
import { SqlQueueStore } from '../sql/queue.js';
import { CONTAINS_FN } from '../sql/text.js';
import { SqlUrlAuthKeys } from '../sql/urlauth.js';
import type { DB } from '../sql/schema.js';
import type { Store } from '../types.js';
import { batchedTx } from './batched-tx.js';
import { TieredBlobStore } from './blobs.js';
import { Checkpointer, type CheckpointLimits, type HoldConnection } from './checkpointer.js';
import { ImmediateSqliteDialect } from './dialect.js';
import { localEvents, localLocks } from './local.js';
import { TextWorker } from './text-worker.js';
import { WalSync } from './wal-sync.js';
import { WriteGate } from './write-gate.js';
import { MessageWriter } from './writer.js';

/** The event loop connection's page cache (KiB). */
const PAGE_CACHE_KIB = 64 * 1024;

interface Opened { db: Kysely<DB>; raw: Database.Database; cache: DirectoryCache; hold: HoldConnection; tx: Sql['tx'] }
interface Shared { db: Promise<Opened>; wal: WalSync; checkpoints: Checkpointer; texts: Promise<TextWorker>; writer: MessageWriter; refs: number }
const open = new Map<string, Shared>();

async function connect(path: string, wal: WalSync, checkpoints: Checkpointer, gate: WriteGate): Promise<Opened> {
  const raw = new Database(path);
  raw.pragma('busy_timeout = 10000'); // first: the pragmas below may wait for another process
  raw.pragma('journal_mode = WAL');
  // NORMAL: a commit does not fsync on the event loop; the dialect waits for the WAL's
  // fdatasync on the thread pool before the writer resumes (wal-sync.ts) — as durable as FULL
  raw.pragma('synchronous = NORMAL');
  // SQLite's page cache is 2 MiB by default: imaptest's 50 clients, over a 56 MB file, then
  // read most pages through pread() again (7.5% more CPU per command, 7–11% fewer commands
  // per second than with 64 MiB). Pages are cached only once read, so an idle server does
  // not grow. (mmap_size measured slower here.)
  raw.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  // sql/text.ts: a pending text is matched with JavaScript's case folding (needle lower-cased)
  raw.function(CONTAINS_FN, { deterministic: true }, (hay: unknown, needle: unknown) =>
    (typeof hay === 'string' && typeof needle === 'string' && hay.toLowerCase().includes(needle) ? 1 : 0));
  const dialect = new ImmediateSqliteDialect(raw, wal, checkpoints, gate);
  const db = new Kysely<DB>({ dialect });
  registerRunNow(db, (text, parameters, inTransaction) => dialect.runNow(text, parameters, inTransaction));
  // what a worker's write that no other write may meet runs under (the text worker's
  // batches, the checkpointer's restart): Kysely's one connection, and the write gate
  const hold: HoldConnection = (fn) => db.connection().execute(async () => {
    await gate.lock();
    try {
      return await fn();
    } finally {
      gate.unlock();
    }
  });
  checkpoints.attach(raw, hold);
  try {
    await migrate(db, 'sqlite');
  } catch (err) {
    await checkpoints.close();
    await db.destroy();
    await wal.close();
    throw err;
  }
  // one directory cache per connection, kept while meta('directory_version') stands still:
  // every write to a directory table moves it, whoever makes it (migrations.ts). (PRAGMA
  // data_version moves with every commit of another connection, each of the text worker's
  // batches too.) The probe runs beside Kysely's connection queue: while a streamed query
  // holds the connection, better-sqlite3 refuses it, and NaN (never equal) means "no memo
  // this time".
  const directoryVersion = raw.prepare(`SELECT value FROM meta WHERE key = 'directory_version'`).pluck();
  const probe = (): number => {
    try {
      return directoryVersion.get() as number;
    } catch {
      return NaN;
    }
  };
  return { db, raw, cache: new DirectoryCache(probe), hold, tx: batchedTx(db, () => raw.inTransaction) };
}

/** Sql.ints over better-sqlite3's pluck mode. The statement runs while holding Kysely's one
 *  connection (connection().execute waits for its mutex), so it never reads inside another
 *  caller's open transaction. Its statements are its own: pluck() would change Kysely's. */
function pluckInts(o: Opened): (q: CompiledQuery) => Promise<number[]> {
  const cache = new Map<string, Database.Statement>();
  return (q) => o.db.connection().execute(async () => {
    let stmt = cache.get(q.sql);
    if (!stmt) {
      if (cache.size >= 200) cache.clear();
      stmt = o.raw.prepare(q.sql).pluck();
      cache.set(q.sql, stmt);
    }
    return stmt.all(...q.parameters) as number[];
  });
}

async function acquire(key: string, limits?: Partial<CheckpointLimits>): Promise<Opened & { texts: TextWorker; writer: MessageWriter }> {
  let sh = open.get(key);
  if (!sh) {
    const wal = new WalSync(key);
    const checkpoints = new Checkpointer(key, limits);
    const gate = new WriteGate();
    const db = connect(key, wal, checkpoints, gate);
    const texts = db.then((o) => new TextWorker(key, o.hold, () => checkpoints.wrote()));
    texts.catch(() => {}); // the failure is db's, reported by acquire
    const writer = new MessageWriter(key, gate, () => checkpoints.wrote());
    sh = { db, wal, checkpoints, texts, writer, refs: 0 };
    open.set(key, sh);
  }
  sh.refs++;
  try {
    return { ...(await sh.db), texts: await sh.texts, writer: sh.writer };
  } catch (err) {
    if (--sh.refs === 0) open.delete(key);
    throw err;
  }
}

async function releaseDb(key: string): Promise<void> {
  const sh = open.get(key);
  if (!sh || --sh.refs > 0) return;
  open.delete(key);
  const { db } = await sh.db;
  await sh.writer.close();
  await (await sh.texts).close();
  await sh.checkpoints.close();
  await db.destroy();
  await sh.wal.close();
}

/** `checkpoints` overrides the WAL limits (checkpointer.ts) when this opens the file's shared
 *  connection; tests use it to reach them with little data. */
export async function openSqliteStore(opts: { path: string; dataDir: string; checkpoints?: Partial<CheckpointLimits> }): Promise<Store> {
  const path = resolve(opts.path);
  mkdirSync(dirname(path), { recursive: true });
  if (!existsSync(path)) closeSync(openSync(path, 'a'));
  const key = realpathSync(path);
  const opened = await acquire(key, opts.checkpoints);
  const { db, cache } = opened;
  const s = makeSql(db, 'sqlite', pluckInts(opened), opened.tx);
  let closed = false;
  const events = localEvents(key);
  const mail = new SqlMailStore(s, () => opened.texts.batch, (raw, targets, internalDate) => opened.writer.append(raw, targets, internalDate));
  return {
    kind: 'sqlite',
    blobs: new CachedBlobStore(new TieredBlobStore(
      new SqlBlobStore(db, 'sqlite', INLINE_BLOB_LIMIT),
      new FsBlobStore(join(resolve(opts.dataDir), 'blobs'), (ids) => referencedBlobs(db, ids)),
    )),
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
