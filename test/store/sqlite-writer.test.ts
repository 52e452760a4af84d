/**
 * SQLite's message writer (src/store/sqlite/writer.ts): a delivery's parse and append on a
 * worker thread with its own connection. What it stores must be what the event loop's way
 * (prepareMessage, then append) stores; a refusal reaches only its own message; the
 * event loop's writes go on beside it; and when the writer cannot take a message
 * (starting, gone) mail still goes in the usual way.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { UserError } from '../../src/lib/errors.js';
import { ChangeBus } from '../../src/mail/changes.js';
import { deliver, prepareMessage } from '../../src/mail/deliver.js';
import { openStore } from '../../src/store/open.js';
import { MessageWriter } from '../../src/store/sqlite/writer.js';
import { WriteGate } from '../../src/store/sqlite/write-gate.js';
import type { Store } from '../../src/store/types.js';

const FIXTURES = new URL('../fixtures/mime/', import.meta.url);

async function withStore(fn: (store: Store, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-writer-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'posthorn.db')}`, dataDir: dir });
  try {
    await store.directory.addDomain('example.test');
    await fn(store, dir);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** appendRaw once the writer has started (it answers null while it loads). */
async function viaWriter(store: Store, raw: Buffer, targets: Array<{ mailboxId: number; flags: string[] }>, internalDate: number) {
  for (let i = 0; i < 200; i++) {
    const placed = await store.mail.appendRaw!(raw, targets, internalDate);
    if (placed) return placed;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the message writer never started');
}

test('the writer stores every MIME fixture as the event loop would: same blob, metadata, flags and date', async () => {
  await withStore(async (store) => {
    const a = await store.directory.addAccount({ address: 'a@example.test', passwordHash: 'x' });
    const viaLoop = (await store.mail.getMailbox(a.id, 'INBOX'))!;
    const viaThread = await store.mail.createMailbox(a.id, 'Writer');
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.eml')).sort();
    assert.ok(files.length > 50);
    const date = Date.UTC(2026, 0, 2, 3, 4, 5);
    for (const f of files) {
      const raw = readFileSync(new URL(f, FIXTURES));
      if (raw.length > store.blobs.inlineLimit!) continue;
      const prepared = await prepareMessage(store, raw, date);
      await store.mail.append([{ mailboxId: viaLoop.id, message: { ...prepared, flags: ['\\Seen', 'custom'] } }]);
      const [placed] = await viaWriter(store, raw, [{ mailboxId: viaThread.id, flags: ['\\Seen', 'custom'] }], date);
      assert.equal(placed.mailboxId, viaThread.id);
    }
    const left = await store.mail.getMessages(viaLoop.id, [[1, Infinity]]);
    const right = await store.mail.getMessages(viaThread.id, [[1, Infinity]]);
    assert.equal(right.length, left.length);
    for (let i = 0; i < left.length; i++) {
      const { mailboxId: _lm, modseq: _lq, ...l } = left[i];
      const { mailboxId: _rm, modseq: _rq, ...r } = right[i];
      assert.deepEqual(r, l, `message ${i + 1} (${files[i]})`);
    }
    // the blob is the bytes
    assert.deepEqual(await store.blobs.get(right[0].blobId), readFileSync(new URL(files[0], FIXTURES)));
  });
});

test('through the writer, an account over quota is refused alone; its concurrent neighbours are stored', async () => {
  await withStore(async (store) => {
    const alice = await store.directory.addAccount({ address: 'alice@example.test', passwordHash: 'x' });
    const tiny = await store.directory.addAccount({ address: 'tiny@example.test', passwordHash: 'x', quota: 10 });
    const inbox = (await store.mail.getMailbox(alice.id, 'INBOX'))!;
    const tinyBox = (await store.mail.getMailbox(tiny.id, 'INBOX'))!;
    const raw = (n: number) => Buffer.from(`Subject: n${n}\r\n\r\nbody ${n}\r\n`);
    await viaWriter(store, raw(0), [{ mailboxId: inbox.id, flags: [] }], Date.now());
    const results = await Promise.allSettled([
      store.mail.appendRaw!(raw(1), [{ mailboxId: inbox.id, flags: [] }], Date.now()),
      store.mail.appendRaw!(raw(2), [{ mailboxId: tinyBox.id, flags: [] }], Date.now()),
      store.mail.appendRaw!(raw(3), [{ mailboxId: inbox.id, flags: [] }], Date.now()),
      store.mail.appendRaw!(raw(4), [{ mailboxId: 999_999, flags: [] }], Date.now()),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    const refused = (results[1] as PromiseRejectedResult).reason;
    assert.ok(refused instanceof UserError && refused.reason === 'quota', String(refused));
    const missing = (results[3] as PromiseRejectedResult).reason;
    assert.ok(missing instanceof UserError && missing.reason === 'not-found', String(missing));
    assert.deepEqual((await store.mail.getMessages(inbox.id, [[1, Infinity]])).map((m) => m.uid), [1, 2, 3]);
    assert.equal((await store.mail.quotaUsage(tiny.id)).messages, 0);
  });
});

test("the event loop's writes and the writer's go on side by side: every delivery and every flag change lands", async () => {
  await withStore(async (store) => {
    const a = await store.directory.addAccount({ address: 'a@example.test', passwordHash: 'x' });
    const inbox = (await store.mail.getMailbox(a.id, 'INBOX'))!;
    await viaWriter(store, Buffer.from('Subject: first\r\n\r\nx\r\n'), [{ mailboxId: inbox.id, flags: [] }], Date.now());
    const bus = new ChangeBus(store.events);
    const work: Array<Promise<unknown>> = [];
    for (let i = 0; i < 300; i++) {
      work.push(deliver({ store, bus }, Buffer.from(`Subject: m${i}\r\n\r\nbody ${i}\r\n`), [{ accountId: a.id }]));
      // writes of the event loop's own connection meanwhile: flags, a mailbox, a subscription
      work.push(store.mail.storeFlags(inbox.id, [[1, 1]], i % 2 === 0 ? 'add' : 'remove', ['\\Flagged']));
      if (i % 50 === 0) work.push(store.mail.createMailbox(a.id, `Box${i}`));
    }
    await Promise.all(work);
    bus.close();
    const rows = await store.mail.getMessages(inbox.id, [[1, Infinity]]);
    assert.deepEqual(rows.map((m) => m.uid), Array.from({ length: 301 }, (_, i) => i + 1));
    assert.equal(rows[0].flags.includes('\\Flagged'), false, 'the last change removed it');
    assert.equal((await store.mail.listMailboxes(a.id)).filter((m) => m.name.startsWith('Box')).length, 6);
  });
});

test('a writer that is loading or gone takes nothing; mail then goes the usual way', async () => {
  await withStore(async (store, dir) => {
    const a = await store.directory.addAccount({ address: 'a@example.test', passwordHash: 'x' });
    const inbox = (await store.mail.getMailbox(a.id, 'INBOX'))!;
    const writer = new MessageWriter(join(dir, 'posthorn.db'), new WriteGate(), () => undefined);
    const raw = Buffer.from('Subject: hi\r\n\r\nhello\r\n');
    assert.equal(await writer.append(raw, [{ mailboxId: inbox.id, flags: [] }], Date.now()), null, 'loading');
    let placed = null;
    for (let i = 0; i < 200 && !placed; i++) {
      placed = await writer.append(raw, [{ mailboxId: inbox.id, flags: [] }], Date.now());
      if (!placed) await new Promise((r) => setTimeout(r, 25));
    }
    assert.deepEqual(placed?.map((p) => p.uid), [1]);
    // the thread dies: it takes nothing more, and what waited for it is answered
    const worker = (writer as unknown as { worker: Worker }).worker;
    const waiting = writer.append(raw, [{ mailboxId: inbox.id, flags: [] }], Date.now());
    await worker.terminate();
    // written before the end (placed), or answered as failed by the exit: never left waiting
    await waiting.then((p) => assert.equal(p?.length, 1), (err: Error) => assert.match(err.message, /message writer: the worker exited/));
    assert.equal(await writer.append(raw, [{ mailboxId: inbox.id, flags: [] }], Date.now()), null, 'gone');
    await writer.close();
    // the store's own deliveries are unaffected
    const bus = new ChangeBus(store.events);
    const [d] = await deliver({ store, bus }, raw, [{ accountId: a.id }]);
    bus.close();
    assert.equal(d.mailboxId, inbox.id);
  });
});
