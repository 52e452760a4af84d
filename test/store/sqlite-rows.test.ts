/**
 * The SQLite dialect reads rows as arrays and builds the objects itself (sqlite/dialect.ts
 * withRowBuilder): every kind of statement must give what better-sqlite3's own objects give.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { cachedDatabase } from '../../src/store/sqlite/dialect.js';

function pair(): { raw: Database.Database; cached: ReturnType<typeof cachedDatabase> } {
  const raw = new Database(':memory:');
  raw.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB, n REAL);
    INSERT INTO t (name, data, n) VALUES ('a', x'00ff', 1.5), (NULL, NULL, NULL), ('"quoted" \\ name', x'', -2)`);
  return { raw, cached: cachedDatabase(raw) };
}

test('rows built from arrays equal better-sqlite3\'s objects: types, NULLs, blobs, odd and repeated names', () => {
  const { raw, cached } = pair();
  for (const sql of [
    'SELECT * FROM t ORDER BY id',
    'SELECT id, name AS "we""ird name", data, n * 2 AS "2x", name AS id FROM t ORDER BY id',
    'SELECT count(*) AS c, sum(n) AS s FROM t',
    'SELECT id AS "__proto__", name FROM t ORDER BY id',
    'SELECT * FROM t WHERE id = 99',
  ]) {
    const theirs = raw.prepare(sql).all();
    const ours = cached.prepare(sql).all([]);
    assert.deepEqual(ours, theirs, sql);
    assert.deepEqual([...cached.prepare(sql).iterate([])], theirs, `${sql} (iterate)`);
  }
});

test('parameters bind, writes run, RETURNING rows come back as objects, readonly is told', () => {
  const { raw, cached } = pair();
  const read = cached.prepare('SELECT name FROM t WHERE id = ?') as ReturnType<typeof cached.prepare> & { readonly: boolean };
  assert.deepEqual(read.all([1]), [{ name: 'a' }]);
  assert.equal(read.readonly, true);
  const ins = cached.prepare('INSERT INTO t (name) VALUES (?) RETURNING id, name') as ReturnType<typeof cached.prepare> & { readonly: boolean };
  assert.equal(ins.reader, true);
  assert.equal(ins.readonly, false);
  assert.deepEqual(ins.all(['b']), [{ id: 4, name: 'b' }]);
  const upd = cached.prepare('UPDATE t SET name = ? WHERE id = ?');
  assert.equal(upd.reader, false);
  assert.equal(upd.run(['c', 4]).changes, 1);
  assert.deepEqual(raw.prepare('SELECT name FROM t WHERE id = 4').get(), { name: 'c' });
});
