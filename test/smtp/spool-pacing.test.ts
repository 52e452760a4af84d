/**
 * A large message whose end arrives while the server holds the socket back for a slow blob
 * writer (spool.ts pace()): the end of data is already in the session's input then, and
 * the peer sends nothing more. The server must find it there and answer — not wait for
 * bytes that never come (a lost wake-up that hung 50 MB messages on a busy machine).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpClient } from './support/client.js';
import { inbox, seed, startTestServer } from './support/harness.js';
import { memoryStore } from './support/memory-store.js';
import type { BlobWriter } from '../../src/store/types.js';
import type { IngestOptions } from '../../src/mta/ingest/ingest.js';

/** A blob writer that takes `ms` for every write, like a disk under load. */
function slowed(w: BlobWriter, ms: number): BlobWriter {
  return {
    get size() { return w.size; },
    write: async (chunk) => {
      await new Promise((r) => setTimeout(r, ms));
      return w.write(chunk);
    },
    finish: () => w.finish(),
    abort: () => w.abort(),
  };
}

test('the end of a spilled message that arrived while the writer was behind is answered 250', async () => {
  const store = memoryStore();
  await seed(store);
  const make = store.blobs.createWriter.bind(store.blobs);
  store.blobs.createWriter = () => slowed(make(), 200);
  // the memory store keeps delivered copies by account: a spilled message arrives as a blob
  const deliverPrepared: NonNullable<IngestOptions['deliverPrepared']> = async (_ctx, prepared, targets) => {
    const raw = await store.blobs.get(prepared.blobId);
    for (const { accountId } of targets) store.delivered.set(accountId, [...(store.delivered.get(accountId) ?? []), raw]);
    return [];
  };
  const t = await startTestServer({ mode: 'mx', maxMessageSize: 20_000_000, spillThreshold: 64 * 1024 }, { store, ingest: { deliverPrepared } });
  try {
    const c = await SmtpClient.connect(t.port);
    assert.equal((await c.reply()).code, 220);
    c.send('EHLO remote.test');
    assert.equal((await c.reply()).code, 250);
    c.send('MAIL FROM:<sender@remote.test>');
    assert.equal((await c.reply()).code, 250);
    c.send('RCPT TO:<alice@example.test>');
    assert.equal((await c.reply()).code, 250);
    c.send('DATA');
    assert.equal((await c.reply()).code, 354);
    // Past the spill threshold and the 1 MiB pace limit by less than the session's input
    // high-water mark: the server reads all of it, then waits for the writer (200 ms per
    // 256 KiB piece). The end of data comes while it waits, and nothing after it.
    const line = `${'x'.repeat(78)}\r\n`;
    const body = line.repeat(Math.ceil((64 * 1024 + 1024 * 1024 + 128 * 1024) / line.length));
    c.write(`Subject: slow disk\r\n\r\n${body}`);
    await new Promise((r) => setTimeout(r, 400));
    c.write('the end\r\n.\r\n');
    const r = await c.reply(30_000);
    assert.equal(r.code, 250, r.lines.join(' '));
    assert.equal(inbox(store, 1).length, 1);
    assert.ok(inbox(store, 1)[0].endsWith(`${body}the end\r\n`), 'the whole body was stored');
    c.send('QUIT');
    assert.equal((await c.reply()).code, 221);
  } finally {
    await t.close();
  }
});
