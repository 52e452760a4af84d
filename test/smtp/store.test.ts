// The SMTP server and mta/ingest on the real stores (SQLite and PostgreSQL): local
// delivery lands in INBOX, one copy per account, forwards and remote recipients are
// queued, quota is 552 5.2.2, a list fans out.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpClient } from './support/client.js';
import { realStore, type RealStore } from './support/real-store.js';
import { seed, startTestServer, PASSWORD, type TestServer } from './support/harness.js';
import type { Store } from '../../src/store/types.js';
import type { MemoryStore } from './support/memory-store.js';
import { deliver as mailDeliver } from '../../src/mail/deliver.js';

async function inboxTexts(store: Store, address: string): Promise<string[]> {
  const acc = (await store.directory.getAccount(address))!;
  const box = (await store.mail.getMailbox(acc.id, 'INBOX'))!;
  const rows = await store.mail.getMessages(box.id, [[1, Infinity]]);
  return Promise.all(rows.map(async (r) => (await store.blobs.get(r.blobId)).toString()));
}

async function send(port: number, from: string, to: string[], body: string, want = '250'): Promise<void> {
  const c = await SmtpClient.connect(port);
  await c.expect('220');
  await c.cmd('EHLO t.test', '250');
  await c.cmd(`MAIL FROM:<${from}>`, '250');
  for (const r of to) await c.cmd(`RCPT TO:<${r}>`, /^25[01] /);
  await c.cmd('DATA', '354');
  c.write(`${body}\r\n.\r\n`);
  await c.expect(want);
  c.close();
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`SMTP on the ${kind} store`, () => {
    let rs: RealStore | null;
    let store: Store;
    let t: TestServer;
    before(async () => {
      rs = await realStore(kind);
      if (!rs) return;
      store = await rs.open();
      await seed(store);
      await store.directory.addAlias('both@example.test', ['alice@example.test', 'alice+x@example.test', 'bob@example.test']);
      await store.directory.addForward('moved@example.test', 'new@far.test');
      await store.directory.createList({ address: 'dev@example.test', owner: 'alice@example.test', posting: 'anyone' });
      await store.directory.addListMembers('dev@example.test', ['alice@example.test', 'x@far.test']);
      t = await startTestServer({ mode: 'mx' }, { store: store as MemoryStore, deliver: mailDeliver });
    });
    after(async () => {
      if (!rs) return;
      await t.close();
      await store.close();
      rs.cleanup();
    });

    test('delivery to INBOX; one copy per account even when reached twice', async (c) => {
      if (!rs) return c.skip('PostgreSQL not reachable');
      await send(t.port, 'a@far.test', ['alice@example.test', 'both@example.test', 'ALICE@example.test'], 'Subject: one\r\n\r\nhello');
      const alice = (await inboxTexts(store, 'alice@example.test')).filter((m) => m.includes('Subject: one'));
      assert.equal(alice.length, 1);
      assert.match(alice[0], /^Return-Path: <a@far\.test>\r\nReceived: from t\.test/);
      assert.equal((await inboxTexts(store, 'bob@example.test')).filter((m) => m.includes('Subject: one')).length, 1);
    });

    test('forward and list members elsewhere are queued', async (c) => {
      if (!rs) return c.skip('PostgreSQL not reachable');
      await send(t.port, 'a@far.test', ['moved@example.test', 'dev@example.test'], 'Subject: fan\r\n\r\nhello');
      const q = await store.queue.list();
      const addrs = q.flatMap((m) => m.recipients.map((r) => `${m.sender} ${r.address}`)).sort();
      assert.deepEqual(addrs, ['a@far.test new@far.test', 'dev-bounces@example.test x@far.test']);
      const listed = (await inboxTexts(store, 'alice@example.test')).find((m) => m.includes('Subject: fan'))!;
      assert.match(listed, /^Return-Path: <dev-bounces@example\.test>\r\nList-Id: <dev\.example\.test>/);
    });

    test('over quota → 552 5.2.2, nothing stored', async (c) => {
      if (!rs) return c.skip('PostgreSQL not reachable');
      const before = (await inboxTexts(store, 'bob@example.test')).length;
      await send(t.port, 'a@far.test', ['bob@example.test'], `Subject: big\r\n\r\n${'z'.repeat(70)}\r\n`.repeat(40), '552 5.2.2');
      assert.equal((await inboxTexts(store, 'bob@example.test')).length, before);
      assert.ok(PASSWORD);
    });
  });
}
