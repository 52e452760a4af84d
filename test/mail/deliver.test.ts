import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open.js';
import { ChangeBus } from '../../src/mail/changes.js';
import { deliver, appendMessage, prepareMessage } from '../../src/mail/deliver.js';
import { summaryOfJson } from '../../src/mime/summary.js';
import type { MailboxEvent, Store } from '../../src/store/types.js';

async function withStore(fn: (store: Store, bus: ChangeBus) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-deliver-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'posthorn.db')}`, dataDir: dir });
  const bus = new ChangeBus(store.events);
  try {
    await store.directory.addDomain('example.test');
    await fn(store, bus);
  } finally {
    bus.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const raw = (n: number) => Buffer.from(`From: a@example.test\r\nTo: b@example.test\r\nSubject: hello ${n}\r\n\r\nbody number ${n} zebra\r\n`);

test('one delivery to two accounts stores one blob, parsed metadata and searchable text', async () => {
  await withStore(async (store, bus) => {
    const alice = await store.directory.addAccount({ address: 'alice@example.test', passwordHash: 'x' });
    const bob = await store.directory.addAccount({ address: 'bob@example.test', passwordHash: 'x' });
    const events: MailboxEvent[] = [];
    bus.watchAccount(alice.id, (e) => events.push(e));
    const out = await deliver({ store, bus }, raw(1), [{ accountId: alice.id }, { accountId: bob.id }, { accountId: alice.id }]);
    assert.equal(out.length, 2, 'the same account reached twice gets one copy');
    const inbox = (await store.mail.getMailbox(alice.id, 'INBOX'))!;
    const [row] = await store.mail.getMessages(inbox.id, [[1, Infinity]]);
    const bobInbox = (await store.mail.getMailbox(bob.id, 'INBOX'))!;
    const [bobRow] = await store.mail.getMessages(bobInbox.id, [[1, Infinity]]);
    assert.equal(row.blobId, bobRow.blobId);
    assert.equal(JSON.parse(row.metadata).subject, 'hello 1');
    assert.deepEqual(await store.mail.searchText(inbox.id, 'zebra'), [row.uid]);
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'append');
  });
});

test('concurrent deliveries share commits and every caller gets its own UID', async () => {
  await withStore(async (store, bus) => {
    const alice = await store.directory.addAccount({ address: 'alice@example.test', passwordHash: 'x' });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => deliver({ store, bus }, raw(i), [{ accountId: alice.id }])));
    const uids = results.map((r) => r[0].uid).sort((a, b) => a - b);
    assert.deepEqual(uids, Array.from({ length: 50 }, (_, i) => i + 1));
    const inbox = (await store.mail.getMailbox(alice.id, 'INBOX'))!;
    const rows = await store.mail.getMessages(inbox.id, [[1, Infinity]]);
    for (const r of rows) {
      const i = results.findIndex((x) => x[0].uid === r.uid);
      assert.equal(JSON.parse(r.metadata).subject, `hello ${i}`, 'each UID holds the message its caller sent');
    }
  });
});

test('an account over quota fails alone; concurrent neighbours are delivered', async () => {
  await withStore(async (store, bus) => {
    const alice = await store.directory.addAccount({ address: 'alice@example.test', passwordHash: 'x' });
    const tiny = await store.directory.addAccount({ address: 'tiny@example.test', passwordHash: 'x', quota: 10 });
    const settled = await Promise.allSettled([
      deliver({ store, bus }, raw(1), [{ accountId: alice.id }]),
      deliver({ store, bus }, raw(2), [{ accountId: tiny.id }]),
      deliver({ store, bus }, raw(3), [{ accountId: alice.id }]),
    ]);
    assert.equal(settled[0].status, 'fulfilled');
    assert.equal(settled[1].status, 'rejected');
    assert.equal(settled[2].status, 'fulfilled');
    assert.equal((await store.mail.quotaUsage(tiny.id)).messages, 0);
    assert.equal((await store.mail.quotaUsage(alice.id)).messages, 2);
  });
});

test('appendMessage keeps flags and INTERNALDATE and falls back to nothing else', async () => {
  await withStore(async (store, bus) => {
    const alice = await store.directory.addAccount({ address: 'alice@example.test', passwordHash: 'x' });
    const sent = (await store.mail.getMailbox(alice.id, 'Sent'))!;
    const when = Date.UTC(2020, 0, 2, 3, 4, 5);
    const { uid } = await appendMessage({ store, bus }, sent, raw(7), { flags: ['\\Seen', 'Work'], internalDate: when });
    const [row] = await store.mail.getMessages(sent.id, [[uid, uid]]);
    assert.deepEqual([...row.flags].sort(), ['Work', '\\Seen'].sort());
    assert.equal(row.internalDate, when);
  });
});

test('the summary prepareMessage hands the store is the one its stored metadata gives', async () => {
  await withStore(async (store) => {
    const msg = Buffer.from('From: "Zoë" <z@example.test>\r\nTo: b@example.test, c@example.test\r\nCc: d@example.test\r\n'
      + 'Subject: =?utf-8?q?Re:_Gr=C3=BC=C3=9Fe?=\r\nDate: Tue, 1 Jul 2025 10:00:00 +0200\r\nMessage-ID: <x@y>\r\n\r\nhi\r\n');
    const prepared = await prepareMessage(store, msg);
    assert.ok(prepared.summary);
    assert.deepEqual(prepared.summary, summaryOfJson(prepared.metadata));
  });
});

test('after RENAME INBOX, and for an account made anew under the same address, mail still lands in INBOX', async () => {
  await withStore(async (store, bus) => {
    const alice = await store.directory.addAccount({ address: 'alice@example.test', passwordHash: 'x' });
    await deliver({ store, bus }, raw(1), [{ accountId: alice.id }]);
    // RFC 3501 §6.3.5: the messages move to the new name, INBOX stays and stays the target
    await store.mail.renameMailbox(alice.id, 'INBOX', 'Old');
    await deliver({ store, bus }, raw(2), [{ accountId: alice.id }]);
    const subjects = async (accountId: number, name: string) => (await store.mail.getMessages((await store.mail.getMailbox(accountId, name))!.id, [[1, Infinity]]))
      .map((r) => JSON.parse(r.metadata).subject as string);
    assert.deepEqual(await subjects(alice.id, 'Old'), ['hello 1']);
    assert.deepEqual(await subjects(alice.id, 'INBOX'), ['hello 2']);
    await store.directory.removeAccount('alice@example.test');
    const again = await store.directory.addAccount({ address: 'alice@example.test', passwordHash: 'x' });
    await deliver({ store, bus }, raw(3), [{ accountId: again.id }]);
    assert.deepEqual(await subjects(again.id, 'INBOX'), ['hello 3']);
  });
});
