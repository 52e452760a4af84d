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
import { ChangeBus } from '../../src/mail/changes.js';
import { createIngest } from '../../src/mta/ingest/ingest.js';
import { localDelivery } from '../../src/mta/transport/local.js';

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

    test('RCPT to a mailbox that is already full → 552 5.2.2 at once', async (c) => {
      if (!rs) return c.skip('PostgreSQL not reachable');
      await store.directory.addAccount({ address: 'full@example.test', passwordHash: 'x' });
      await send(t.port, 'a@far.test', ['full@example.test'], 'Subject: fill\r\n\r\nsome text');
      await store.directory.updateAccount('full@example.test', { quota: 100 });
      const s = await SmtpClient.connect(t.port);
      await s.expect('220');
      await s.cmd('EHLO t.test', '250');
      await s.cmd('MAIL FROM:<a@far.test>', '250');
      await s.cmd('RCPT TO:<full@example.test>', '552 5.2.2');
      await s.cmd('RCPT TO:<alice@example.test>', '250');
      await s.cmd('DATA', '354');
      s.write('Subject: only alice\r\n\r\nhi\r\n.\r\n');
      await s.expect('250');
      s.close();
      assert.equal((await inboxTexts(store, 'full@example.test')).length, 1);
    });

    test('end of data, one of two mailboxes would go over: 250 for the message, the full one is queued (to bounce with a DSN)', async (c) => {
      if (!rs) return c.skip('PostgreSQL not reachable');
      const carol = await store.directory.addAccount({ address: 'carol@example.test', passwordHash: 'x' });
      await send(t.port, 'a@far.test', ['carol@example.test'], 'Subject: first\r\n\r\nsmall');
      const used = (await store.mail.quotaUsage(carol.id)).bytes;
      await store.directory.updateAccount('carol@example.test', { quota: used + 200 });
      await send(t.port, 'a@far.test', ['alice@example.test', 'carol@example.test'], `Subject: two\r\n\r\n${'y'.repeat(70)}\r\n`.repeat(10));
      assert.equal((await inboxTexts(store, 'alice@example.test')).filter((m) => m.includes('Subject: two')).length, 1);
      assert.equal((await inboxTexts(store, 'carol@example.test')).filter((m) => m.includes('Subject: two')).length, 0);
      const q = (await store.queue.list()).filter((m) => m.recipients.some((r) => r.address === 'carol@example.test'));
      assert.equal(q.length, 1);
      assert.equal(q[0].sender, 'a@far.test');
      const copy = await store.blobs.get(q[0].blobId);
      assert.match(copy.toString(), /^Received: from t\.test[\s\S]*Subject: two/);
      // the queue's local transport tries it again: still full, a permanent 552 5.2.2, which
      // the queue turns into a failure and a DSN to a@far.test (test/relay/scheduler)
      const local = localDelivery(createIngest({ store, bus: new ChangeBus(store.events), hostname: 'mx.example.test' }), 'mx.example.test');
      await assert.rejects(local(copy, q[0].sender, 'carol@example.test'), (err: { code?: number; enhanced?: string }) => err.code === 552 && err.enhanced === '5.2.2');
      assert.equal((await inboxTexts(store, 'carol@example.test')).filter((m) => m.includes('Subject: two')).length, 0);
    });

    test('large message (past the spill threshold) to a mailbox, a list and the queue; too big is 552 5.3.4 and the session goes on', async (c) => {
      if (!rs) return c.skip('PostgreSQL not reachable');
      const small = await startTestServer({ mode: 'mx', spillThreshold: 1000, maxMessageSize: 20_000 }, { store: store as MemoryStore, deliver: mailDeliver });
      try {
        const text = `Subject: spilled\r\nAuthentication-Results: mx.example.test; spf=pass (forged)\r\n\r\n${`${'s'.repeat(70)}\r\n`.repeat(100)}`;
        await send(small.port, 'a@far.test', ['alice@example.test', 'dev@example.test'], text.slice(0, -2));
        const got = (await inboxTexts(store, 'alice@example.test')).filter((m) => m.includes('Subject: spilled'));
        assert.equal(got.length, 2, 'one direct copy, one list copy');
        const direct = got.find((m) => !m.includes('List-Id'))!;
        assert.match(direct, /^Return-Path: <a@far\.test>\r\nReceived: from t\.test/);
        assert.ok(direct.endsWith(text.replace(/Authentication-Results:[^\r]*\r\n/, '')), 'the body as sent, the forged field removed');
        const listed = got.find((m) => m.includes('List-Id'))!;
        assert.match(listed, /^Return-Path: <dev-bounces@example\.test>\r\nList-Id: <dev\.example\.test>/);
        const queued = (await store.queue.list()).find((m) => m.recipients.some((r) => r.address === 'x@far.test') && m.size > 7000)!;
        assert.ok((await store.blobs.get(queued.blobId)).toString().endsWith(`${'s'.repeat(70)}\r\n`));

        const s = await SmtpClient.connect(small.port);
        await s.expect('220');
        await s.cmd('EHLO t.test', '250');
        await s.cmd('MAIL FROM:<a@far.test>', '250');
        await s.cmd('RCPT TO:<alice@example.test>', '250');
        await s.cmd('DATA', '354');
        s.write(`Subject: too big\r\n\r\n${`${'b'.repeat(70)}\r\n`.repeat(400)}.\r\n`);
        await s.expect('552 5.3.4');
        // BDAT: the chunk that goes over is refused at once; the pipelined rest gets 503
        await s.cmd('MAIL FROM:<a@far.test>', '250');
        await s.cmd('RCPT TO:<alice@example.test>', '250');
        s.write(`BDAT 15000\r\n${'c'.repeat(14998)}\r\nBDAT 15000\r\n${'c'.repeat(14998)}\r\nBDAT 4 LAST\r\nend\n`);
        await s.expect('250 2.0.0');
        await s.expect('552 5.3.4');
        await s.expect('503 5.5.1');
        await s.cmd('MAIL FROM:<a@far.test>', '250');
        await s.cmd('RCPT TO:<alice@example.test>', '250');
        await s.cmd('DATA', '354');
        s.write('Subject: after\r\n\r\nstill here\r\n.\r\n');
        await s.expect('250 2.0.0');
        s.close();
        const texts = await inboxTexts(store, 'alice@example.test');
        assert.equal(texts.filter((m) => m.includes('Subject: too big') || m.includes('cccc')).length, 0, 'nothing of a refused message is stored');
        assert.equal(texts.filter((m) => m.includes('Subject: after')).length, 1);
      } finally {
        await small.close();
      }
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
