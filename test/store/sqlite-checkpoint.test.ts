/**
 * SQLite checkpoints off the event loop (src/store/sqlite/checkpointer.ts): once a store has
 * written a hundred-odd commits, its writes reach the database file itself shortly after
 * they commit — copied by the worker's checkpoint, not left in the WAL until SQLite's
 * automatic checkpoint (1,000 pages) happens to run. Read by copying the database file
 * alone, without its WAL: that copy holds exactly what has been checkpointed.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/open.js';

function checkpointed(dir: string, address: string): boolean {
  const copy = join(dir, 'copy.db');
  copyFileSync(join(dir, 'posthorn.db'), copy);
  try {
    const db = new Database(copy, { readonly: true });
    try {
      return db.prepare('SELECT 1 FROM accounts WHERE address = ?').get(address) !== undefined;
    } finally {
      db.close();
    }
  } catch {
    // before the first checkpoint the file holds no tables yet; a copy taken while a
    // checkpoint writes may be torn: either way, not (yet) there
    return false;
  } finally {
    rmSync(copy, { force: true });
  }
}

test('SQLite: after a hundred-odd commits, a write reaches the database file shortly after it commits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-ckpt-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'posthorn.db')}`, dataDir: dir });
  try {
    await store.directory.addDomain('ckpt.test');
    for (let i = 0; i < 110; i++) await store.directory.addAccount({ address: `u${i}@ckpt.test`, passwordHash: 'x' });
    const last = 'last@ckpt.test';
    await store.directory.addAccount({ address: last, passwordHash: 'x' });
    const until = Date.now() + 20_000;
    while (!checkpointed(dir, last) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.ok(checkpointed(dir, last), 'the last write is in the database file, not only in the WAL');
    // and the store goes on working after the worker's checkpoints
    assert.equal((await store.directory.getAccount(last))?.address, last);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
