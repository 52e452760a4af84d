/**
 * Durability of the SQLite backend (ARCHITECTURE.md "what a reply promises"): a child
 * process appends messages and reports each append once its promise resolved; it is
 * SIGKILLed mid-stream. Every message it reported must be there, blob included, after
 * the store is reopened.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/open.js';

test('sqlite: what a SIGKILLed writer reported as committed survives, blobs and search text included', () => killedWriter('light', 40));

// 100 KB messages: the WAL passes SQLite's checkpoint size (1000 pages) several times, so
// the writer is killed with checkpoints behind it and, now and then, one under way.
test('sqlite: the same across WAL checkpoints', () => killedWriter('heavy', 300));

async function killedWriter(mode: 'light' | 'heavy', killAfter: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-durable-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('durability-child.ts', import.meta.url)), dir, mode], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const committed: Array<{ uid: number; blobId: string }> = [];
    let buf = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buf += chunk.toString();
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const [word, uid, blobId] = buf.slice(0, nl).split(' ');
          buf = buf.slice(nl + 1);
          if (word === 'committed') committed.push({ uid: Number(uid), blobId });
          if (committed.length === killAfter && child.exitCode === null) child.kill('SIGKILL');
        }
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    assert.ok(committed.length >= killAfter, `child reported ${committed.length} commits`);
    const store = await openStore({ url: `sqlite:${join(dir, 'posthorn.db')}`, dataDir: dir });
    try {
      const acc = await store.directory.getAccount('d@durable.example.test');
      const inbox = await store.mail.getMailbox(acc!.id, 'INBOX');
      const uids = new Set((await store.mail.listFlags(inbox!.id)).map((m) => m.uid));
      // search text still waiting for the indexer when the writer died is searched too
      const found = new Set(await store.mail.searchText(inbox!.id, 'durable'));
      for (const c of committed) {
        assert.ok(uids.has(c.uid), `UID ${c.uid} present`);
        assert.ok(await store.blobs.has(c.blobId), `blob of UID ${c.uid} present`);
        assert.ok(found.has(c.uid), `UID ${c.uid} found by search`);
      }
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
