/**
 * Migration V2_SUBSCRIPTIONS on a store made before it: the mailboxes subscribed then are
 * the subscriptions after (SQLite; the same SQL runs on PostgreSQL in the conformance suite's
 * fresh schemas). The "before" database is made by undoing the step on a current one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/open.js';
import { hashPassword } from '../../src/auth/password.js';

test('opening a store from before subscriptions were a table keeps every subscription', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-migrate-'));
  const url = `sqlite:${join(dir, 'posthorn.db')}`;
  try {
    const s1 = await openStore({ url, dataDir: dir });
    await s1.directory.addDomain('example.test');
    const acc = await s1.directory.addAccount({ address: 'bob@example.test', passwordHash: await hashPassword('x') });
    await s1.mail.createMailbox(acc.id, 'Old/Sub');
    await s1.close();
    // Back to the version before the step (the second newest; the newest, directory_version,
    // runs again as well and can): no subscriptions table, the flag on the mailbox row only.
    const db = new Database(join(dir, 'posthorn.db'));
    db.exec(`DROP TABLE subscriptions; UPDATE meta SET value = value - 2 WHERE key = 'schema_version';
      UPDATE mailboxes SET subscribed = 1 WHERE name = 'Old/Sub'`);
    db.close();
    const s2 = await openStore({ url, dataDir: dir });
    try {
      const subs = await s2.mail.listSubscriptions(acc.id);
      for (const n of ['Old/Sub', 'Sent', 'Trash']) assert.ok(subs.includes(n), `${n} in ${subs.join(', ')}`);
      assert.ok(!subs.includes('Old'));
      await s2.mail.deleteMailbox(acc.id, 'Old/Sub');
      assert.ok((await s2.mail.listSubscriptions(acc.id)).includes('Old/Sub'));
    } finally {
      await s2.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
