/**
 * SQLite's trigram indexing runs on a worker thread once a store has indexed a few hundred
 * texts (src/store/sqlite/text-worker.ts): a backlog is indexed while this thread's event
 * loop stays idle (measured: 2 % busy; indexing on the loop kept it 54 % busy with its 25 ms
 * batches) — and every text is then found through the index, with nothing left pending.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/open.js';
import type { NewMessage } from '../../src/store/types.js';

function message(i: number): NewMessage {
  const content = Buffer.from(`Subject: note ${i}\r\n\r\nword${i}x ${'lorem ipsum dolor sit amet '.repeat(150)}\r\n`);
  return {
    blobId: createHash('sha256').update(content).digest('hex'), size: content.length, internalDate: Date.now(), flags: [],
    metadata: '{}', searchText: `note ${i} word${i}x ${'lorem ipsum dolor sit amet '.repeat(150)}`, content,
  };
}

function pending(dir: string): number {
  const db = new Database(join(dir, 'posthorn.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM fts_pending').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

test('SQLite: a text-index backlog is indexed off the event loop, and every text is found through the index', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-fts-worker-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'posthorn.db')}`, dataDir: dir });
  try {
    await store.directory.addDomain('fts.test');
    const acc = await store.directory.addAccount({ address: 'a@fts.test', passwordHash: 'x' });
    const inbox = (await store.mail.getMailbox(acc.id, 'INBOX'))!;
    const indexed = (store.mail as unknown as { whenIndexed(): Promise<void> }).whenIndexed.bind(store.mail);
    // the first few hundred are indexed on the loop (short-lived stores start no thread)
    for (let i = 0; i < 300; i += 50) await store.mail.append(Array.from({ length: 50 }, (_, k) => ({ mailboxId: inbox.id, message: message(i + k) })));
    await indexed();
    for (let i = 300; i < 2300; i += 100) await store.mail.append(Array.from({ length: 100 }, (_, k) => ({ mailboxId: inbox.id, message: message(i + k) })));
    assert.ok(pending(dir) > 1000, 'a backlog waits for the indexer');
    const before = performance.eventLoopUtilization();
    await indexed();
    const busy = performance.eventLoopUtilization(before).utilization;
    assert.ok(busy < 0.25, `the event loop was busy ${(busy * 100).toFixed(0)} % of the time while 2,000 texts were indexed`);
    assert.equal(pending(dir), 0);
    assert.deepEqual(await store.mail.searchText(inbox.id, 'word2299x'), [2300]);
    assert.deepEqual(await store.mail.searchText(inbox.id, 'word7x'), [8]);
    assert.equal((await store.mail.searchText(inbox.id, 'lorem')).length, 2300);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
