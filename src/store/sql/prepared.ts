/**
 * Hot statements built and compiled once per dialect. Kysely builds an immutable query tree
 * and compiles it to SQL on every call: for the few statements an IMAP command runs nearly
 * every time (the mailbox row, the change poll of RFC 7162 §3.1.2, the \Recent mark) that
 * cost more CPU than SQLite's own work. Here the query is built with placeholder objects
 * in place of its arguments, compiled, and each call only puts the argument values where
 * the placeholders landed among the parameters (the SQL text stays the same object, so the
 * SQLite dialect finds its prepared statement without hashing a new string).
 *
 * The build function must pass each argument to Kysely as a value (where, set, limit…),
 * never inspect it: a placeholder that does not reach the parameters is an error at the
 * first call.
 *
 * A backend may run such a statement at once instead of through Kysely's executor
 * (registerRunNow: SQLite, whose driver is synchronous anyway). A caller awaits each
 * statement before its next one, as everywhere in the store, so running now keeps its order.
 */
import type { CompiledQuery, Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import type { Dialect } from './db.js';
import { uidBetween, type UidFilter } from './ranges.js';
import type { DB } from './schema.js';

/** Rows up to which a write inserts them one by one through its compiled single-row
 *  statement (a group commit's few); more go in multi-row statements, as one compiled text
 *  per row count would defeat the statement cache. */
export const ONE_BY_ONE = 16;

/** Runs a compiled statement now and gives its rows, or null when it must go through
 *  Kysely's executor (sqlite/dialect.ts runNow). */
export type RunNow = (sql: string, parameters: readonly unknown[], inTransaction: boolean) => unknown[] | null;

// keyed by the executor's adapter: one per Kysely instance, shared with its transactions
const runners = new WeakMap<object, RunNow>();

/** Lets `db`'s backend run prepared statements itself, on `db` and its transactions. */
export function registerRunNow(db: Kysely<DB>, run: RunNow): void {
  runners.set(db.getExecutor().adapter, run);
}

const SLOT = Symbol('prepared argument');
interface Slot { [SLOT]: number }

function isSlot(v: unknown): v is Slot {
  return typeof v === 'object' && v !== null && SLOT in v;
}

interface Compiled<R> { query: CompiledQuery<R>; /** per parameter: argument index, or -1 for a constant */ from: number[] }

/** A statement with `arity` arguments; run it with `(db, dialect, ...args)` on any handle
 *  of that dialect (a transaction too). Resolves to the result rows. */
export function prepared<A extends unknown[], R>(
  arity: number,
  build: (db: Kysely<DB>, ...args: A) => { compile(): CompiledQuery<R> },
): (db: Kysely<DB>, dialect: Dialect, ...args: A) => Promise<R[]> {
  const compiled = new Map<Dialect, Compiled<R>>();
  const compile = (db: Kysely<DB>): Compiled<R> => {
    const slots = Array.from({ length: arity }, (_, i): Slot => ({ [SLOT]: i }));
    const query = build(db, ...(slots as unknown as A)).compile();
    const from = query.parameters.map((p) => (isSlot(p) ? p[SLOT] : -1));
    for (let i = 0; i < arity; i++) if (!from.includes(i)) throw new Error(`prepared statement: argument ${i} is not a parameter of ${query.sql}`);
    return { query, from };
  };
  return async (db, dialect, ...args) => {
    let c = compiled.get(dialect);
    if (!c) compiled.set(dialect, (c = compile(db)));
    const { query, from } = c;
    const parameters = from.map((i, k) => (i === -1 ? query.parameters[k] : args[i]));
    const rows = runners.get(db.getExecutor().adapter)?.(query.sql, parameters, db.isTransaction);
    if (rows) return rows as R[];
    return (await db.executeQuery<R>({ ...query, parameters })).rows;
  };
}

type UidWhere = (eb: ExpressionBuilder<DB, 'messages'>) => Expression<SqlBool>;

/** A statement with a UID-range condition (ranges.ts uidFilter, not empty): `where` is that
 *  condition; one prepared statement per number of BETWEEN terms (a few: ranges.ts pads). */
export function preparedRanges<A extends unknown[], R>(
  arity: number,
  build: (db: Kysely<DB>, where: UidWhere, ...args: A) => { compile(): CompiledQuery<R> },
): (db: Kysely<DB>, dialect: Dialect, filter: UidFilter, ...args: A) => Promise<R[]> {
  const bySize = new Map<number, (db: Kysely<DB>, dialect: Dialect, ...all: unknown[]) => Promise<R[]>>();
  return (db, dialect, filter, ...args) => {
    const n = filter.terms.length;
    let run = bySize.get(n);
    if (!run) {
      run = prepared(arity + 2 * n, (d: Kysely<DB>, ...all: unknown[]) => {
        const b = all.slice(arity) as number[];
        const where = uidBetween(Array.from({ length: n }, (_, i): [number, number] => [b[2 * i], b[2 * i + 1]]));
        return build(d, where, ...(all.slice(0, arity) as unknown as A));
      });
      bySize.set(n, run);
    }
    return run(db, dialect, ...args, ...filter.terms.flat());
  };
}

/** A statement with an IN list of ids, the list padded by the caller (db.ts padded, so its
 *  length is one of a few): `list` is that many placeholders; one prepared statement per
 *  length. */
export function preparedList<A extends unknown[], R>(
  arity: number,
  build: (db: Kysely<DB>, list: number[], ...args: A) => { compile(): CompiledQuery<R> },
): (db: Kysely<DB>, dialect: Dialect, list: readonly number[], ...args: A) => Promise<R[]> {
  const bySize = new Map<number, (db: Kysely<DB>, dialect: Dialect, ...all: unknown[]) => Promise<R[]>>();
  return (db, dialect, list, ...args) => {
    const n = list.length;
    let run = bySize.get(n);
    if (!run) {
      run = prepared(arity + n, (d: Kysely<DB>, ...all: unknown[]) => build(d, all.slice(arity) as number[], ...(all.slice(0, arity) as unknown as A)));
      bySize.set(n, run);
    }
    return run(db, dialect, ...args, ...list);
  };
}
