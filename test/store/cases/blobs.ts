/** Blob contract: content addressing, idempotent put, ranges, not-found, garbage
 *  collection that spares referenced and young blobs, and blobs that commit with their
 *  message rows (NewMessage.content, up to BlobStore.inlineLimit). */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { NewMessage } from '../../../src/store/types.js';
import type { Ctx } from '../conformance.js';
import { freshAccount, inbox, reason, sleep } from './helpers.js';

export function blobCases(ctx: Ctx): void {
  test('put is idempotent and content-addressed; get, getRange, has', async () => {
    const b = ctx.store().blobs;
    const data = Buffer.from(`hello blob ${Math.random()}\r\n`);
    const id = await b.put(data);
    assert.equal(id, createHash('sha256').update(data).digest('hex'));
    assert.equal(await b.put(new Uint8Array(data)), id);
    assert.deepEqual(await b.get(id), data);
    assert.deepEqual(await b.getRange(id, 6, 10), data.subarray(6, 10));
    assert.deepEqual(await b.getRange(id, 6, 1e9), data.subarray(6));
    assert.equal(await b.has(id), true);
    const missing = 'f'.repeat(64);
    assert.equal(await b.has(missing), false);
    assert.equal(await reason(b.get(missing)), 'not-found');
    assert.equal(await b.put(new Uint8Array(0)), createHash('sha256').update('').digest('hex'));
  });

  test('createWriter: streamed bytes become the blob put() would make; abort leaves nothing', async () => {
    const b = ctx.store().blobs;
    // 3.5 MiB in uneven pieces: several chunks for a chunking backend, plus a tail
    const data = Buffer.alloc(3.5 * 1024 * 1024 + 17);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 12)) & 0xff;
    const w = b.createWriter();
    for (let at = 0, n = 1; at < data.length; n = (n * 7 + 3) % 700_000 + 1) {
      await w.write(data.subarray(at, Math.min(data.length, at + n)));
      at += n;
    }
    assert.equal(w.size, data.length);
    const id = await w.finish();
    assert.equal(id, createHash('sha256').update(data).digest('hex'));
    assert.equal(await b.has(id), true);
    assert.ok((await b.get(id)).equals(data));
    const at = 1024 * 1024 - 5;
    assert.ok((await b.getRange(id, at, at + 2 * 1024 * 1024 + 10)).equals(data.subarray(at, at + 2 * 1024 * 1024 + 10)));
    assert.ok((await b.getRange(id, data.length - 3, data.length + 100)).equals(data.subarray(data.length - 3)));
    // the same bytes again, streamed or put: the same blob
    const again = b.createWriter();
    await again.write(data);
    assert.equal(await again.finish(), id);
    assert.equal(await b.put(data), id);
    const small = b.createWriter();
    await small.write(Buffer.from('tiny'));
    assert.equal(await small.finish(), await b.put(Buffer.from('tiny')));
    const dropped = b.createWriter();
    const other = Buffer.concat([data, Buffer.from('x')]);
    await dropped.write(other);
    await dropped.abort();
    assert.equal(await b.has(createHash('sha256').update(other).digest('hex')), false);
  });

  test('collectGarbage removes only old, unreferenced blobs', async () => {
    const s = ctx.store();
    const acc = await freshAccount(s);
    const ib = await inbox(s, acc);
    const kept = Buffer.from(`referenced ${Math.random()}`);
    const queued = Buffer.from(`queued ${Math.random()}`);
    const orphan = Buffer.from(`orphan ${Math.random()}`);
    const keptId = await s.blobs.put(kept);
    const queuedId = await s.blobs.put(queued);
    const orphanId = await s.blobs.put(orphan);
    await s.mail.append([{ mailboxId: ib, message: { blobId: keptId, size: kept.length, internalDate: Date.now(), flags: [], metadata: '{}', searchText: '' } }]);
    await s.queue.enqueue({ sender: 'a@b.test', blobId: queuedId, size: queued.length, recipients: [{ address: 'c@d.test' }] });
    assert.equal(await s.blobs.collectGarbage(60_000), 0, 'young blobs survive');
    await sleep(30);
    assert.ok((await s.blobs.collectGarbage(10)) >= 1);
    assert.equal(await s.blobs.has(orphanId), false);
    assert.equal(await s.blobs.has(keptId), true);
    assert.equal(await s.blobs.has(queuedId), true);
    await s.mail.removeMessages(ib, [1]);
    await sleep(30);
    await s.blobs.collectGarbage(10);
    assert.equal(await s.blobs.has(keptId), false, 'collected once unreferenced');
  });

  test('append with content stores the blob in the rows\' transaction: readable, deduplicated, collected', async (t) => {
    const s = ctx.store();
    if (!s.blobs.inlineLimit) return t.skip('this backend takes no inline blobs');
    const acc = await freshAccount(s);
    const ib = await inbox(s, acc);
    const raw = Buffer.from(`Subject: inline ${Math.random()}\r\n\r\nbody\r\n`);
    const id = sha256(raw);
    assert.equal(await s.blobs.has(id), false);
    const message: NewMessage = { blobId: id, size: raw.length, internalDate: Date.now(), flags: [], metadata: '{}', searchText: '', content: raw };
    // the same bytes twice in one transaction, then again in another: one blob
    assert.deepEqual((await s.mail.append([{ mailboxId: ib, message }, { mailboxId: ib, message }])).map((p) => p.uid), [1, 2]);
    await s.mail.append([{ mailboxId: ib, message }]);
    assert.deepEqual(await s.blobs.get(id), raw);
    assert.deepEqual(await s.blobs.getRange(id, 0, 7), raw.subarray(0, 7));
    assert.deepEqual(await s.blobs.getRange(id, 9, 1e9), raw.subarray(9));
    assert.equal((await s.blobs.getRange(id, raw.length + 5, raw.length + 9)).length, 0, 'a range past the end is empty');
    assert.equal(await s.blobs.has(id), true);
    assert.equal(await s.blobs.put(raw), id, 'put of the same bytes names the same blob');
    assert.deepEqual(await (await ctx.another()).blobs.get(id), raw, 'another instance reads it');
    const rows = await s.mail.getMessages(ib, [[1, Infinity]]);
    assert.deepEqual(rows.map((r) => r.blobId), [id, id, id]);
    await sleep(30);
    await s.blobs.collectGarbage(10);
    assert.equal(await s.blobs.has(id), true, 'referenced: kept');
    await s.mail.removeMessages(ib, [1, 2, 3]);
    await sleep(30);
    assert.ok((await s.blobs.collectGarbage(10)) >= 1);
    assert.equal(await s.blobs.has(id), false, 'collected once unreferenced');
    assert.equal(await reason(s.blobs.get(id)), 'not-found');
  });

  test('an append that fails stores no inline blob', async (t) => {
    const s = ctx.store();
    if (!s.blobs.inlineLimit) return t.skip('this backend takes no inline blobs');
    const acc = await freshAccount(s, { quota: 10 });
    const raw = Buffer.from(`Subject: too big ${Math.random()}\r\n\r\nbody\r\n`);
    const message: NewMessage = { blobId: sha256(raw), size: raw.length, internalDate: Date.now(), flags: [], metadata: '{}', searchText: '', content: raw };
    assert.equal(await reason(s.mail.append([{ mailboxId: await inbox(s, acc), message }])), 'quota');
    assert.equal(await s.blobs.has(message.blobId), false);
  });

  test('blobs just under and just over inlineLimit: put, get, getRange, has', async () => {
    const b = ctx.store().blobs;
    const limit = b.inlineLimit || 64 * 1024;
    for (const size of [limit, limit + 1]) {
      const data = Buffer.alloc(size, `${size} ${Math.random()} `);
      const id = await b.put(data);
      assert.equal(id, sha256(data));
      assert.deepEqual(await b.get(id), data);
      assert.deepEqual(await b.getRange(id, size - 5, size + 5), data.subarray(size - 5));
      assert.equal(await b.has(id), true);
    }
  });
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
