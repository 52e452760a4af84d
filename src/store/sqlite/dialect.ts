/**
 * Kysely's SQLite dialect with two changes: transactions begin IMMEDIATE (the write lock
 * is taken up front, so a read-then-write transaction never fails to upgrade while
 * another process writes; busy_timeout waits instead), and prepared statements are
 * cached (Kysely prepares every query anew otherwise).
 */
import type Database from 'better-sqlite3';
import { CompiledQuery, SqliteDialect, type DatabaseConnection, type Driver, type SqliteDatabase, type SqliteStatement } from 'kysely';

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
  constructor(db: Database.Database) {
    super({ database: cachedDatabase(db) });
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (conn: DatabaseConnection) => {
      await conn.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'));
    };
    return driver;
  }
}
