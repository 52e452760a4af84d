/**
 * SQLite's directory reads are memoized per connection (src/store/sql/directory-cache.ts).
 * Another process — the `posthorn` CLI adding a user while the server runs — writes
 * through its own connection; the server must see that at its next RCPT. A second
 * better-sqlite3 connection stands in for that process here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/open.js';

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA';

test('a directory change committed by another connection is seen at the next read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-dircache-'));
  const path = join(dir, 'posthorn.db');
  const store = await openStore({ url: `sqlite:${path}`, dataDir: dir });
  const cli = new Database(path);
  cli.pragma('busy_timeout = 10000');
  try {
    const d = store.directory;
    await d.addDomain('example.test');
    const alice = await d.addAccount({ address: 'alice@example.test', passwordHash: HASH });
    // read twice: the second answer may come from the memo
    for (let i = 0; i < 2; i++) {
      assert.equal(await d.isLocalDomain('other.test'), false);
      assert.equal((await d.lookup('alice@example.test'))?.kind, 'account');
      assert.equal(await d.lookup('bob@example.test'), null);
      assert.equal((await d.getAccountById(alice.id))?.quota, null);
    }
    cli.prepare('INSERT INTO domains (name, created_at) VALUES (?, ?)').run('other.test', Date.now());
    assert.equal(await d.isLocalDomain('other.test'), true, 'a domain added elsewhere');
    cli.prepare('UPDATE accounts SET quota = 5000 WHERE id = ?').run(alice.id);
    assert.equal((await d.getAccountById(alice.id))?.quota, 5000, 'a quota changed elsewhere');
    cli.prepare(`INSERT INTO forwards (address_key, address, domain, to_address) VALUES ('bob@example.test', 'bob@example.test', 'example.test', 'b@remote.test')`).run();
    assert.deepEqual(await d.lookup('bob@example.test'), { kind: 'forward', to: 'b@remote.test' }, 'a forward added elsewhere');
    cli.prepare('DELETE FROM forwards').run();
    assert.equal(await d.lookup('bob@example.test'), null, 'a forward removed elsewhere');
    // every directory table is watched (migrations.ts triggers), aliases and members too
    cli.prepare(`INSERT INTO aliases (source_key, source, domain, target_key, target)
      VALUES ('bob@example.test', 'bob@example.test', 'example.test', 'alice@example.test', 'alice@example.test')`).run();
    assert.deepEqual(await d.lookup('bob@example.test'), { kind: 'alias', targets: ['alice@example.test'] }, 'an alias added elsewhere');
    await d.createList({ address: 'team@example.test', owner: 'alice@example.test', posting: 'anyone' });
    for (let i = 0; i < 2; i++) assert.deepEqual((await d.lookup('team@example.test'))?.kind, 'list');
    cli.prepare(`INSERT INTO list_members (list_key, member_key, member) VALUES ('team@example.test', 'x@remote.test', 'x@remote.test')`).run();
    const team = await d.lookup('team@example.test');
    assert.deepEqual(team?.kind === 'list' ? team.list.members : null, ['x@remote.test'], 'a list member added elsewhere');
  } finally {
    cli.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
