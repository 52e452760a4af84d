/**
 * SQLite checkpoints off the event loop (src/store/sqlite/checkpointer.ts): once the WAL
 * passes 4 MB, a worker copies it into the database file while the writer goes on. The
 * writer's own autocheckpoint only starts at 16000 pages (64 MB), so a database file that
 * grows while the WAL holds less than that was filled by the worker. Everything is still
 * there after the store is closed and reopened.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/open.js';

const COMMITS = 100;
const SIZE = 100_000;

test('sqlite: a growing WAL is checkpointed by the background worker, and nothing is lost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-ckpt-'));
  const url = `sqlite:${join(dir, 'posthorn.db')}`;
  try {
    let store = await openStore({ url, dataDir: dir });
    await store.directory.addDomain('ckpt.example.test');
    const acc = await store.directory.addAccount({ address: 'c@ckpt.example.test', passwordHash: 'x' });
    const inbox = (await store.mail.getMailbox(acc.id, 'INBOX'))!.id;
    const before = statSync(join(dir, 'posthorn.db')).size;
    for (let i = 0; i < COMMITS; i++) {
      const raw = Buffer.from(`Subject: ${i}\r\n\r\n${String(i).padStart(SIZE, 'x')}\r\n`);
      const blobId = createHash('sha256').update(raw).digest('hex');
      const message = { blobId, size: raw.length, internalDate: Date.now(), flags: [], metadata: '{}', searchText: `m${i}`, content: raw };
      await store.mail.append([{ mailboxId: inbox, message }]);
    }
    // ~10 MB in the WAL: under the writer's 64 MB, over the worker's 4 MB
    const deadline = Date.now() + 10_000;
    let size = statSync(join(dir, 'posthorn.db')).size;
    while (size < before + 4 * 1024 * 1024 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      size = statSync(join(dir, 'posthorn.db')).size;
    }
    assert.ok(size >= before + 4 * 1024 * 1024, `database file grew from ${before} to ${size} bytes`);
    await store.close();
    store = await openStore({ url, dataDir: dir });
    try {
      const uids = (await store.mail.listFlags(inbox)).map((m) => m.uid);
      assert.equal(uids.length, COMMITS);
      const last = (await store.mail.getMessages(inbox, [[uids[COMMITS - 1], uids[COMMITS - 1]]]))[0];
      assert.equal((await store.blobs.get(last.blobId)).length, last.size);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
