/**
 * Batched transactions (src/store/sqlite/batched-tx.ts) on the event loop's connection, with
 * the dialect the store uses: transactions asked for in one turn of the event loop share one
 * BEGIN…COMMIT; one that throws is undone alone (its savepoint) and its caller gets its
 * error while the others commit; a batch that SQLite itself ended is tried again one
 * transaction at a time, but one that committed and failed only its fsync is not (it would be
 * written twice); every caller sees its own result, and only once it is committed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { UnsyncedCommitError } from '../../src/lib/errors.js';
import { batchedTx } from '../../src/store/sqlite/batched-tx.js';
import { Checkpointer } from '../../src/store/sqlite/checkpointer.js';
import { ImmediateSqliteDialect } from '../../src/store/sqlite/dialect.js';
import { WalSync } from '../../src/store/sqlite/wal-sync.js';
import { WriteGate } from '../../src/store/sqlite/write-gate.js';

interface T { t: { k: string } }

async function withDb(fn: (h: {
  tx: ReturnType<typeof batchedTx<T>>;
  begins: () => number;
  committed: () => string[];
}) => Promise<void>, opts: { syncFails?: () => boolean } = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-batched-'));
  const path = join(dir, 'b.db');
  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  const real = new WalSync(path);
  // a disk whose fdatasync fails when the test says so
  const wal = opts.syncFails
    ? ({ sync: () => (opts.syncFails!() ? Promise.reject(new Error('EIO: fdatasync')) : real.sync()), close: () => real.close() } as unknown as WalSync)
    : real;
  let begins = 0;
  const db = new Kysely<T>({
    dialect: new ImmediateSqliteDialect(raw, wal, new Checkpointer(path), new WriteGate()),
    log: (e) => { if (/^BEGIN/i.test(e.query.sql)) begins++; },
  });
  // another connection: it sees only what was committed
  const other = new Database(path, { readonly: true, fileMustExist: false });
  try {
    await sql`CREATE TABLE t (k TEXT NOT NULL UNIQUE)`.execute(db);
    await fn({
      tx: batchedTx(db, () => raw.inTransaction),
      begins: () => begins,
      committed: () => (other.prepare('SELECT k FROM t ORDER BY k').all() as Array<{ k: string }>).map((r) => r.k),
    });
  } finally {
    other.close();
    await db.destroy();
    await wal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const insert = (k: string) => async (trx: Kysely<T>): Promise<string> => {
  await trx.insertInto('t').values({ k }).execute();
  return `put ${k}`;
};

test('transactions asked for in one turn share one COMMIT; one that throws is undone alone', async () => {
  await withDb(async ({ tx, begins, committed }) => {
    const before = begins();
    const results = await Promise.allSettled([
      tx(insert('a')),
      tx(insert('b')),
      tx(async (trx) => {
        await trx.insertInto('t').values({ k: 'half' }).execute();
        throw new Error('refused');
      }),
      tx(insert('c')),
      // a constraint error ends the statement, not the transaction
      tx(insert('a')),
      tx(async (trx) => (await trx.selectFrom('t').select('k').execute()).length),
    ]);
    assert.equal(begins() - before, 1, 'one transaction for the six');
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual(results.slice(0, 2).map((r) => r.status === 'fulfilled' && r.value), ['put a', 'put b']);
    assert.match(String((results[2] as PromiseRejectedResult).reason), /refused/);
    assert.match(String((results[4] as PromiseRejectedResult).reason), /UNIQUE/);
    // the last one ran after the others, in their transaction: it saw a, b and c
    assert.equal((results[5] as PromiseFulfilledResult<number>).value, 3);
    assert.deepEqual(committed(), ['a', 'b', 'c']);
  });
});

test('a caller resumes only once its transaction is committed', async () => {
  await withDb(async ({ tx, committed }) => {
    const seen = await Promise.all([
      tx(insert('x')).then(() => committed()),
      tx(insert('y')).then(() => committed()),
    ]);
    assert.deepEqual(seen, [['x', 'y'], ['x', 'y']]);
  });
});

test('transactions asked for in different turns commit apart', async () => {
  await withDb(async ({ tx, begins }) => {
    const before = begins();
    await tx(insert('p'));
    await tx(insert('q'));
    assert.equal(begins() - before, 2);
  });
});

test('a batch that SQLite ended is tried again one transaction at a time', async () => {
  await withDb(async ({ tx, committed }) => {
    const results = await Promise.allSettled([
      tx(insert('m')),
      // ends the whole shared transaction, as SQLite does itself after an I/O error
      tx(async (trx) => {
        await sql`ROLLBACK`.execute(trx);
        throw new Error('ended');
      }),
      tx(insert('n')),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual(committed(), ['m', 'n']);
  });
});

test('a batch that committed but failed its fsync is not tried again: every caller gets the error', async () => {
  let failing = false;
  await withDb(async ({ tx, committed }) => {
    failing = true;
    const results = await Promise.allSettled([tx(insert('s')), tx(insert('t'))]);
    // a transaction rolled back leaves nothing to sync: its caller gets its own error
    const undone = await tx(async (trx) => {
      await trx.insertInto('t').values({ k: 'u' }).execute();
      throw new Error('refused');
    }).then(() => null, (e: unknown) => e);
    failing = false;
    assert.match(String(undone), /refused/);
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.ok((r as PromiseRejectedResult).reason instanceof UnsyncedCommitError, String((r as PromiseRejectedResult).reason));
    }
    assert.deepEqual(committed(), ['s', 't'], 'written once, as committed');
  }, { syncFails: () => failing });
});
