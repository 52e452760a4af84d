/**
 * Prepared statements run at once on SQLite (sql/prepared.ts registerRunNow, dialect.ts
 * runNow) only where that is safe: a read while nobody holds the connection — never inside
 * another caller's open transaction, whose rows are not committed — and a write only inside
 * the caller's own transaction; a write outside one takes the queued way, which waits for
 * the WAL's fsync before the caller resumes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import { migrate } from '../../src/store/sql/migrations.js';
import { prepared, registerRunNow } from '../../src/store/sql/prepared.js';
import type { DB } from '../../src/store/sql/schema.js';
import { Checkpointer } from '../../src/store/sqlite/checkpointer.js';
import { ImmediateSqliteDialect } from '../../src/store/sqlite/dialect.js';
import { WalSync } from '../../src/store/sqlite/wal-sync.js';
import { WriteGate } from '../../src/store/sqlite/write-gate.js';

const nameOf = prepared(1, (db, id: number) => db.selectFrom('mailboxes').select('name').where('id', '=', id));
const rename = prepared(2, (db, id: number, name: string) => db.updateTable('mailboxes').set({ name }).where('id', '=', id));

async function withDb(fn: (h: { db: Kysely<DB>; id: number; ranNow: () => number; syncs: () => number; committedName: () => string }) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-run-now-'));
  const path = join(dir, 'r.db');
  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  const real = new WalSync(path);
  let syncs = 0;
  const wal = { sync: () => (syncs++, real.sync()), close: () => real.close() } as unknown as WalSync;
  const dialect = new ImmediateSqliteDialect(raw, wal, new Checkpointer(path), new WriteGate());
  const db = new Kysely<DB>({ dialect });
  let ranNow = 0;
  registerRunNow(db, (text, parameters, inTransaction) => {
    const rows = dialect.runNow(text, parameters, inTransaction);
    if (rows) ranNow++;
    return rows;
  });
  const other = new Database(path, { readonly: true, fileMustExist: false });
  try {
    await migrate(db, 'sqlite');
    raw.prepare(`INSERT INTO mailboxes (account_id, name, uidvalidity, uidnext, highestmodseq, special_use, subscribed) VALUES (1, 'INBOX', 1, 1, 1, NULL, 1)`).run();
    const id = Number((raw.prepare('SELECT id FROM mailboxes').get() as { id: number }).id);
    await fn({
      db, id, ranNow: () => ranNow, syncs: () => syncs,
      committedName: () => (other.prepare('SELECT name FROM mailboxes WHERE id = ?').get(id) as { name: string }).name,
    });
  } finally {
    other.close();
    await db.destroy();
    await wal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a read runs at once while the connection is free, and never inside another caller\'s open transaction', async () => {
  await withDb(async ({ db, id, ranNow }) => {
    assert.deepEqual(await nameOf(db, 'sqlite', id), [{ name: 'INBOX' }]);
    assert.equal(ranNow(), 1, 'a read on a free connection ran at once');

    let opened!: () => void;
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    let finish!: () => void;
    const mayFinish = new Promise<void>((resolve) => (finish = resolve));
    const undone = db.transaction().execute(async (trx) => {
      await trx.updateTable('mailboxes').set({ name: 'uncommitted' }).where('id', '=', id).execute();
      opened();
      await mayFinish;
      throw new Error('rolled back');
    });
    await isOpen;
    // asked while the transaction holds the connection: it waits, and sees what stands after
    const read = nameOf(db, 'sqlite', id);
    finish();
    await assert.rejects(undone, /rolled back/);
    assert.deepEqual(await read, [{ name: 'INBOX' }], 'the read did not see the rolled-back row');
  });
});

test('a write runs at once only inside its own transaction; outside one it is synced before its caller resumes', async () => {
  await withDb(async ({ db, id, ranNow, syncs, committedName }) => {
    await db.transaction().execute(async (trx) => {
      await rename(trx, 'sqlite', id, 'Inside');
      assert.equal(ranNow(), 1, 'the transaction\'s write ran at once');
      assert.deepEqual(await nameOf(trx, 'sqlite', id), [{ name: 'Inside' }], 'and its own read sees it');
    });
    assert.equal(committedName(), 'Inside');

    const before = syncs();
    const ran = ranNow();
    await rename(db, 'sqlite', id, 'Outside');
    assert.equal(ranNow(), ran, 'a write outside a transaction took the queued way');
    assert.ok(syncs() > before, 'the WAL was synced before the caller resumed');
    assert.equal(committedName(), 'Outside');
  });
});
