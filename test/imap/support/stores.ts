/**
 * Runs one IMAP test on each store backend: SQLite always (the harness default), and
 * PostgreSQL in a schema of its own when it is reachable (required in CI, see test/support/pg.ts).
 */
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { openStore } from '../../../src/store/open.js';
import { pgAvailable, pgBaseUrl } from '../../support/pg.js';
import { startTestServer, type TestServer } from './harness.js';

export async function onEachStore(t: TestContext, fn: (s: TestServer) => Promise<void>): Promise<void> {
  await t.test('sqlite', async () => {
    const s = await startTestServer();
    try {
      await fn(s);
    } finally {
      await s.close();
    }
  });
  await t.test('postgres', async (st) => {
    if (!(await pgAvailable())) {
      st.skip('PostgreSQL not reachable');
      return;
    }
    const schema = `imap_${randomBytes(6).toString('hex')}`;
    const store = await openStore({ url: `${pgBaseUrl()}?schema=${schema}`, dataDir: '/nonexistent' });
    const s = await startTestServer({ store });
    try {
      await fn(s);
    } finally {
      await s.close();
      const c = new pg.Client({ connectionString: pgBaseUrl() });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => c.end());
    }
  });
}
