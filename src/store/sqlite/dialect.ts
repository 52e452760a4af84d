/**
 * Kysely's SQLite dialect with three changes: transactions begin IMMEDIATE (the write lock
 * is taken up front, so a read-then-write transaction never fails to upgrade while
 * another process writes; busy_timeout waits instead), prepared statements are cached
 * (Kysely prepares every query anew otherwise), and commits are made durable by a group
 * fsync of the WAL off the event loop (wal-sync.ts) instead of inside each COMMIT.
 *
 * Why: better-sqlite3 is synchronous, so with synchronous=FULL every COMMIT blocked the
 * whole process for one fsync (~8 ms here) and 50 IMAP clients writing at once were served
 * one fsync at a time. Now the connection is released as soon as the statement ran, the
 * caller waits for a WAL fdatasync that started after its commit, and every commit made
 * meanwhile shares that fsync. The caller's promise still resolves only once its writes are
 * on disk (ARCHITECTURE.md: durable means fsynced).
 */
import type Database from 'better-sqlite3';
import { CompiledQuery, SqliteDialect, type DatabaseConnection, type Driver, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { WalSync } from './wal-sync.js';

const CACHE_LIMIT = 500;

function cachedDatabase(db: Database.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(text: string): SqliteStatement {
      let stmt = cache.get(text);
      if (!stmt) {
        if (cache.size >= CACHE_LIMIT) cache.clear();
        stmt = db.prepare(text) as unknown as SqliteStatement;
        cache.set(text, stmt);
      }
      return stmt;
    },
  };
}

export class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly raw: Database.Database, private readonly wal: WalSync) {
    super({ database: cachedDatabase(raw) });
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const raw = this.raw;
    const wal = this.wal;
    // total_changes() counts the rows this connection inserted, updated or deleted: when it
    // moved while the connection was held, something was committed that must reach the disk.
    const changes = raw.prepare('SELECT total_changes()').pluck();
    let synced = Number(changes.get());
    const release = driver.releaseConnection.bind(driver);
    driver.beginTransaction = async (conn: DatabaseConnection) => {
      await conn.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'));
    };
    driver.releaseConnection = async (conn: DatabaseConnection) => {
      const now = Number(changes.get());
      const wrote = now !== synced && !raw.inTransaction;
      if (wrote) synced = now;
      await release(conn);
      if (wrote) await wal.sync();
    };
    return driver;
  }
}
