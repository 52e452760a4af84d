/**
 * The scale-out backend: PostgreSQL through Kysely, blobs in the database (blob-sql),
 * locks as advisory locks, events over LISTEN/NOTIFY. Several nodes may open the same
 * database; migrations serialize on an advisory lock (sql/migrations.ts).
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { CachedBlobStore } from '../blob-cache.js';
import { SqlBlobStore } from '../blob-sql/index.js';
import { INLINE_BLOB_LIMIT } from '../sql/blob-rows.js';
import { makeSql } from '../sql/db.js';
import { SqlDirectory } from '../sql/directory.js';
import { SqlMailStore } from '../sql/mail-store.js';
import { migrate } from '../sql/migrations.js';
import { SqlQueueStore } from '../sql/queue.js';
import { SqlUrlAuthKeys } from '../sql/urlauth.js';
import type { DB } from '../sql/schema.js';
import type { Store } from '../types.js';
import { pgSettings } from './config.js';
import { PgEvents } from './events.js';
import { PgLocks } from './locks.js';

export async function openPostgresStore(opts: { url: string }): Promise<Store> {
  const { config, schema } = pgSettings(opts.url);
  if (schema !== 'public') {
    const c = new pg.Client(config);
    await c.connect();
    try {
      await c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } finally {
      await c.end();
    }
  }
  const pool = new pg.Pool({ ...config, max: 10, allowExitOnIdle: true });
  pool.on('error', () => undefined); // an idle client died; the pool replaces it
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const events = new PgEvents(config, schema, pool);
  const locks = new PgLocks(config, schema);
  try {
    await migrate(db, 'postgres');
    await events.start();
  } catch (err) {
    await events.close();
    await db.destroy();
    throw err;
  }
  const s = makeSql(db, 'postgres');
  let closed = false;
  return {
    kind: 'postgres',
    blobs: new CachedBlobStore(new SqlBlobStore(db, 'postgres', INLINE_BLOB_LIMIT)),
    directory: new SqlDirectory(s),
    mail: new SqlMailStore(s),
    queue: new SqlQueueStore(s),
    urlauth: new SqlUrlAuthKeys(s),
    locks,
    events,
    async close() {
      if (closed) return;
      closed = true;
      await events.close();
      await locks.close();
      await db.destroy();
    },
  };
}
