import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open.js';
import { startBlobCollector } from '../../src/app/blob-gc.js';
import { silentLogger } from '../../src/lib/log.js';

test('the blob collector removes what nothing refers to and keeps what a message uses', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-gc-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'posthorn.db')}`, dataDir: dir });
  try {
    await store.directory.addDomain('example.test');
    const alice = await store.directory.addAccount({ address: 'alice@example.test', passwordHash: 'x' });
    const inbox = (await store.mail.getMailbox(alice.id, 'INBOX'))!;
    const kept = await store.blobs.put(Buffer.from('Subject: kept\r\n\r\nbody\r\n'));
    await store.mail.append([{ mailboxId: inbox.id, message: { blobId: kept, size: 24, internalDate: Date.now(), flags: [], metadata: '{}', searchText: '' } }]);
    const orphan = await store.blobs.put(Buffer.from('Subject: orphan\r\n\r\nbody\r\n'));
    await new Promise((r) => setTimeout(r, 20));
    const gc = startBlobCollector(store, silentLogger, 60_000, 0, 10);
    for (let i = 0; i < 50 && (await store.blobs.has(orphan)); i++) await new Promise((r) => setTimeout(r, 50));
    await gc.close();
    assert.equal(await store.blobs.has(orphan), false);
    assert.equal(await store.blobs.has(kept), true);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
