/**
 * The handle shared query code works with: a Kysely instance, the dialect (for the few
 * places where SQL differs) and a transaction runner. SQLite transactions start with
 * BEGIN IMMEDIATE (see sqlite/dialect.ts) so a read-then-write never fails to upgrade;
 * PostgreSQL uses READ COMMITTED with row locks taken by UPDATE ... RETURNING.
 */
import type { CompiledQuery, Kysely } from 'kysely';
import type { DB } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Sql {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws.
   *  `fn` uses `trx` only until it settles, and never the outer handle meanwhile (SQLite
   *  runs a transaction's statements at once on its one connection: sqlite/dialect.ts). */
  tx<T>(fn: (trx: Kysely<DB>) => Promise<T>): Promise<T>;
  /** Runs a read whose one column is an integer and returns its values: the narrow reads of
   *  a large mailbox (100,000 UIDs) without a row object each where the driver allows
   *  (SQLite: better-sqlite3's pluck mode, sqlite/open.ts). */
  ints(q: CompiledQuery): Promise<number[]>;
}

export function makeSql(
  db: Kysely<DB>, dialect: Dialect, ints?: (q: CompiledQuery) => Promise<number[]>, tx?: Sql['tx'],
): Sql {
  return {
    db, dialect, tx: tx ?? ((fn) => db.transaction().execute(fn)),
    ints: ints ?? (async (q) => (await db.executeQuery<Record<string, unknown>>(q)).rows.map((r) => Number(Object.values(r)[0]))),
  };
}

/** `items` (not empty) with `filler` (the last item when not given) appended up to the next
 *  power of two: an IN list or OR of that length has one of a few statement texts, which
 *  the SQLite dialect's prepared-statement cache then keeps (sqlite/dialect.ts). */
export function padded<T>(items: readonly T[], filler: T = items[items.length - 1]): T[] {
  let size = 1;
  while (size < items.length) size *= 2;
  const out = items.slice();
  while (out.length < size) out.push(filler);
  return out;
}

/** Splits `items` into chunks of at most `size` (bound-parameter limits). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
