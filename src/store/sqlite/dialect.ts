/**
 * Kysely's SQLite dialect with four changes: transactions begin IMMEDIATE (the write lock
 * is taken up front, so a read-then-write transaction never fails to upgrade while
 * another process writes; busy_timeout waits instead); every write (a transaction, an
 * autocommitted statement) first takes the process's write gate, so it never meets the
 * message writer thread's lock in a busy wait that would stop the event loop
 * (write-gate.ts); prepared statements are cached
 * (Kysely prepares every query anew otherwise); and a write is durable before its caller
 * resumes: after a COMMIT or an autocommitted write the connection is released to the next
 * query at once, and the caller waits for the WAL's fdatasync off the event loop
 * (wal-sync.ts; the connection runs synchronous=NORMAL); and each write is reported to the
 * checkpointer, which copies the WAL into the database file off the event loop
 * (checkpointer.ts). And the hot prepared statements (sql/prepared.ts) run at once where
 * that is safe (runNow): a read while nobody holds the connection, and any statement of the
 * transaction that holds it.
 */
import type Database from 'better-sqlite3';
import { CompiledQuery, SqliteDialect, type DatabaseConnection, type Driver, type QueryResult, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { Checkpointer } from './checkpointer.js';
import { UnsyncedCommitError } from '../../lib/errors.js';
import { sqlStats } from './sql-stats.js';
import type { WalSync } from './wal-sync.js';
import type { WriteGate } from './write-gate.js';

const CACHE_LIMIT = 500;
const BEGIN = 'BEGIN IMMEDIATE';

export function cachedDatabase(db: Database.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  // The dialect asks for the statement it just ran (is it read-only?): no second lookup.
  let lastText = '';
  let last: SqliteStatement | null = null;
  return {
    close: () => db.close(),
    prepare(text: string): SqliteStatement {
      if (text === lastText && last) return last;
      let stmt = cache.get(text);
      if (!stmt) {
        if (cache.size >= CACHE_LIMIT) cache.clear();
        stmt = withRowBuilder(db.prepare(text));
        cache.set(text, stmt);
      }
      lastText = text;
      last = stmt;
      return stmt;
    },
  };
}

/**
 * A statement whose rows are read as arrays and made into objects here. better-sqlite3 makes
 * each row object through V8's API, a property at a time, and that was most of a read's
 * cost: 35 rows of FETCH's message heads took 66–78 µs as objects, 38 µs as arrays built into
 * objects by one object literal per statement (which also gives every row one shape).
 */
function withRowBuilder(stmt: Database.Statement): SqliteStatement {
  if (!stmt.reader) return stmt as unknown as SqliteStatement;
  const names = stmt.columns().map((c) => c.name);
  // `__proto__` in a literal would set the prototype, not a property: such a statement
  // keeps better-sqlite3's own objects.
  if (names.includes('__proto__')) return stmt as unknown as SqliteStatement;
  // column names are quoted by JSON.stringify, so the literal holds nothing but them
  const build = new Function('r', `return { ${names.map((n, i) => `${JSON.stringify(n)}: r[${i}]`).join(', ')} };`) as (row: unknown[]) => unknown;
  stmt.raw(true);
  const wrapped: SqliteStatement & { readonly readonly: boolean } = {
    reader: true,
    readonly: stmt.readonly,
    all: (parameters) => (stmt.all(parameters) as unknown[][]).map(build),
    run: (parameters) => stmt.run(parameters),
    *iterate(parameters) {
      for (const row of stmt.iterate(parameters) as IterableIterator<unknown[]>) yield build(row);
    },
  };
  return wrapped;
}

export class ImmediateSqliteDialect extends SqliteDialect {
  private readonly cached: SqliteDatabase;
  /** Kysely's one connection is acquired (by a transaction, a held connection, a query). */
  private held = false;
  /** A write between acquire and release: its caller waits for the sync after release. */
  private owed = false;
  /** A statement of the open transaction wrote (BEGIN and COMMIT are "read-only"). */
  private txWrote = false;

  constructor(
    private readonly raw: Database.Database,
    private readonly wal: WalSync,
    private readonly checkpoints: Checkpointer,
    private readonly gate: WriteGate,
  ) {
    const cached = cachedDatabase(raw);
    super({ database: cached });
    this.cached = cached;
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const gate = this.gate;
    // Between acquire and release the one connection serves one caller, so a write seen
    // in that window is that caller's: it waits for the sync after giving the connection up.
    driver.beginTransaction = async (conn: DatabaseConnection) => {
      await gate.lock();
      try {
        await conn.executeQuery(CompiledQuery.raw(BEGIN));
      } catch (err) {
        gate.unlock();
        throw err;
      }
    };
    const commit = driver.commitTransaction.bind(driver);
    const rollback = driver.rollbackTransaction.bind(driver);
    driver.commitTransaction = async (conn: DatabaseConnection) => {
      try {
        await commit(conn);
      } finally {
        // a COMMIT that failed leaves the transaction open: Kysely rolls it back next
        if (!this.raw.inTransaction) gate.unlock();
      }
    };
    driver.rollbackTransaction = async (conn: DatabaseConnection) => {
      try {
        await rollback(conn);
        // nothing of it stands, so nothing to sync (BEGIN IMMEDIATE counted as a write)
        if (!this.raw.inTransaction) this.owed = false;
      } finally {
        gate.unlock();
      }
    };
    const acquire = driver.acquireConnection.bind(driver);
    const release = driver.releaseConnection.bind(driver);
    const wrap = (conn: DatabaseConnection): DatabaseConnection => ({
      executeQuery: async <R>(q: CompiledQuery): Promise<QueryResult<R>> => {
        const inTx = this.raw.inTransaction;
        const wrote = !(this.cached.prepare(q.sql) as unknown as Database.Statement).readonly;
        // (BEGIN IMMEDIATE counts as a write; beginTransaction took the gate for it)
        const gated = wrote && !inTx && q.sql !== BEGIN;
        if (gated) await gate.lock();
        let r: QueryResult<R>;
        try {
          const started = sqlStats ? process.hrtime.bigint() : 0n;
          r = await conn.executeQuery<R>(q);
          sqlStats?.record(q.sql, Number(process.hrtime.bigint() - started));
        } finally {
          if (gated) gate.unlock();
        }
        if (this.raw.inTransaction) this.txWrote ||= wrote;
        else {
          // a transaction that wrote ended (SQLite calls COMMIT "read-only": test the
          // state), or a statement outside a transaction wrote. A transaction that only
          // read owes no sync, as a read outside one does not (store/types.ts: a reader may
          // see a commit before its fsync ends).
          if (inTx ? this.txWrote || wrote : wrote) this.owed = true;
          this.txWrote = false;
        }
        return r;
      },
      streamQuery: (q, chunkSize) => conn.streamQuery(q, chunkSize),
    });
    let wrapped: { inner: DatabaseConnection; outer: DatabaseConnection } | null = null;
    driver.acquireConnection = async () => {
      const conn = await acquire();
      if (wrapped?.inner !== conn) wrapped = { inner: conn, outer: wrap(conn) };
      this.held = true;
      this.owed = false;
      this.txWrote = false;
      return wrapped.outer;
    };
    driver.releaseConnection = async (conn: DatabaseConnection) => {
      const mustSync = this.owed;
      this.owed = false;
      this.held = false;
      await release(conn);
      if (mustSync) {
        this.checkpoints.wrote();
        try {
          await this.wal.sync();
        } catch (err) {
          throw new UnsyncedCommitError(err);
        }
      }
    };
    return driver;
  }

  /**
   * Runs a statement now, past Kysely's connection queue and its promise hops (~2.4 µs and
   * a few hundred bytes of garbage a statement; the statements of an IMAP command are
   * mostly these), or answers null when it must take its turn. `inTransaction`: the handle
   * is a transaction's, and an open transaction holds the one connection until it ends, so
   * its statements run now (a transaction's handle is used only while its function runs:
   * sql/db.ts Sql.tx; Kysely's check against a finished one is not made here). Otherwise only a read, and only while nobody holds the
   * connection: a held one may be inside another caller's transaction, whose uncommitted
   * rows a read must not see, or streaming rows (better-sqlite3 then refuses other
   * statements). A write outside a transaction takes the write gate and owes a sync: the
   * queued way (createDriver) does both.
   */
  runNow(sql: string, parameters: readonly unknown[], inTransaction: boolean): unknown[] | null {
    if (inTransaction ? !this.raw.inTransaction : this.held || this.raw.inTransaction) return null;
    const stmt = this.cached.prepare(sql);
    const wrote = !(stmt as unknown as Database.Statement).readonly;
    if (wrote && !inTransaction) return null;
    const started = sqlStats ? process.hrtime.bigint() : 0n;
    const rows = stmt.reader ? stmt.all(parameters) : (stmt.run(parameters), []);
    sqlStats?.record(sql, Number(process.hrtime.bigint() - started));
    if (wrote) this.txWrote = true;
    return rows as unknown[];
  }
}
