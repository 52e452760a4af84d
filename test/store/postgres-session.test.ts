/** PostgreSQL only: a lock dies with the session that held it (a crashed node frees its
 *  maildrop locks), and a store keeps working after its lock connection was killed. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { openStore } from '../../src/store/open.js';
import { pgAvailable, pgBaseUrl } from '../support/pg.js';

const available = await pgAvailable();

test('postgres: a lock is released when its session dies', { skip: available ? false : 'PostgreSQL not reachable' }, async () => {
  const schema = `posthorn_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const base = pgBaseUrl();
  const url = `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  const a = await openStore({ url, dataDir: '/nonexistent' });
  const b = await openStore({ url, dataDir: '/nonexistent' });
  try {
    assert.ok(await a.locks.tryLock('maildrop:1'));
    assert.equal(await b.locks.tryLock('maildrop:1'), null);
    // Kill a's lock connection (the only advisory-lock holder named after this schema).
    const killed = await admin.query(`SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
      WHERE l.locktype = 'advisory' AND a.application_name = $1`, [`posthorn locks ${schema}`.slice(0, 63)]);
    assert.equal(killed.rowCount, 1);
    let got = null;
    for (let i = 0; i < 50 && !got; i++) {
      got = await b.locks.tryLock('maildrop:1');
      if (!got) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(got, 'free once the holder is gone');
    await got.release();
    const again = await a.locks.tryLock('maildrop:2');
    assert.ok(again, 'a reconnects for new locks');
    await again.release();
  } finally {
    await a.close();
    await b.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
});
