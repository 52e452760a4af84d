/** The imap-perf migration step: messages stored before the summary columns existed get
 *  them filled from their metadata when the store opens (SQLite; the step is the same SQL
 *  and code on PostgreSQL). The old schema is made by dropping the columns again. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { parseMessage } from '../../src/mime/parse.js';
import { openStore } from '../../src/store/open.js';

test('opening a version-1 store fills the summary columns of existing messages', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-migrate-'));
  const path = join(dir, 'posthorn.db');
  try {
    let store = await openStore({ url: `sqlite:${path}`, dataDir: dir });
    await store.directory.addDomain('example.test');
    const acc = await store.directory.addAccount({ address: 'a@example.test', passwordHash: 'x' });
    const ib = (await store.mail.getMailbox(acc.id, 'INBOX'))!.id;
    const raw = Buffer.from('From: Zed <zed@example.test>\r\nSubject: Re: Quarterly Numbers\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nhi\r\n');
    const blobId = await store.blobs.put(raw);
    await store.mail.append([1, 2].map((i) => ({
      mailboxId: ib,
      message: { blobId, size: raw.length, internalDate: i, flags: [], metadata: i === 1 ? JSON.stringify(parseMessage(raw)) : '{}', searchText: '' },
    })));
    await store.close();

    // Back to schema version 1: the new columns (and their index) removed.
    const db = new Database(path);
    db.exec('DROP INDEX messages_summary');
    for (const c of ['search_subject', 'sort_subject', 'sort_from', 'sort_to', 'sort_cc', 'sort_display_from', 'sort_display_to', 'sent_date', 'sent_day', 'message_id']) {
      db.exec(`ALTER TABLE messages DROP COLUMN ${c}`);
    }
    db.exec('ALTER TABLE mailboxes DROP COLUMN recent_uid');
    db.prepare(`UPDATE meta SET value = 1 WHERE key = 'schema_version'`).run();
    db.close();

    store = await openStore({ url: `sqlite:${path}`, dataDir: dir });
    assert.deepEqual(await store.mail.searchSubject(ib, 'quarterly'), [1]);
    assert.deepEqual((await store.mail.getSummaries(ib, [[1, 2]])).map((s) => s.sentDate), [Date.UTC(2024, 0, 1, 10), null]);
    assert.deepEqual(await store.mail.sortUids(ib, [{ key: 'FROM', reverse: true }]), [1, 2]);
    assert.equal(await store.mail.claimRecent(ib, 0), 0, 'no UID claimed as \\Recent yet');
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
