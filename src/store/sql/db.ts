/**
 * The handle shared query code works with: a Kysely instance, the dialect (for the few
 * places where SQL differs) and a transaction runner. SQLite transactions start with
 * BEGIN IMMEDIATE (see sqlite/dialect.ts) so a read-then-write never fails to upgrade;
 * PostgreSQL uses READ COMMITTED with row locks taken by UPDATE ... RETURNING.
 */
import type { Kysely } from 'kysely';
import type { DB } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Sql {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  tx<T>(fn: (trx: Kysely<DB>) => Promise<T>): Promise<T>;
}

export function makeSql(db: Kysely<DB>, dialect: Dialect): Sql {
  return { db, dialect, tx: (fn) => db.transaction().execute(fn) };
}

/** Splits `items` into chunks of at most `size` (bound-parameter limits). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
