/**
 * SQLite checkpoints off the event loop (src/store/sqlite/checkpointer.ts): once a store has
 * written a hundred-odd commits, its writes reach the database file itself shortly after
 * they commit — copied by the worker's checkpoint, not left in the WAL until SQLite's
 * automatic checkpoint (1,000 pages) happens to run. Read by copying the database file
 * alone, without its WAL: that copy holds exactly what has been checkpointed. And the WAL
 * stays bounded while writes never pause (SQLite starts it over only when a write begins
 * with every frame copied, which steady load alone never allows).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/open.js';
import { openSqliteStore } from '../../src/store/sqlite/open.js';
import { ChangeBus } from '../../src/mail/changes.js';
import { deliver } from '../../src/mail/deliver.js';

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

test('SQLite: under writes that never pause, the WAL file stays bounded (it is started over, not grown)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-ckpt-'));
  const path = join(dir, 'posthorn.db');
  // a restart after 256 frames (1 MiB) and a 1 MiB size limit, so a few MiB of mail shows
  // it; the delay before a checkpoint shrunk likewise (10 ms, not 100): at full speed these
  // deliveries write more than 1 MiB of WAL in 100 ms
  const store = await openSqliteStore({ path, dataDir: dir, checkpoints: { restartFrames: 256, sizeLimit: 1024 * 1024, delayMs: 10 } });
  const bus = new ChangeBus(store.events);
  try {
    await store.directory.addDomain('ckpt.test');
    const account = await store.directory.addAccount({ address: 'u@ckpt.test', passwordHash: 'x' });
    const body = 'x'.repeat(70) + '\r\n';
    let largest = 0;
    // 8 senders, each delivering as soon as its last delivery is durable: without the restart
    // the WAL file reached 35 MB here
    const sender = async (n: number): Promise<void> => {
      for (let i = 0; i < 300; i++) {
        const raw = Buffer.from(`Subject: ${n}-${i}\r\nMessage-ID: <${n}.${i}@ckpt.test>\r\n\r\n${body.repeat(60)}`);
        await deliver({ store, bus }, raw, [{ accountId: account.id }]);
        largest = Math.max(largest, statSync(`${path}-wal`).size);
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, n) => sender(n)));
    const inbox = await store.mail.getMailbox(account.id, 'INBOX');
    assert.equal(inbox?.uidNext, 2401, 'every delivery is stored');
    assert.ok(largest < 6 * 1024 * 1024, `the WAL file grew to ${largest} octets over 2,400 deliveries`);
  } finally {
    bus.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
