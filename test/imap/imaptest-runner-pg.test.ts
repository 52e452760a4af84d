/**
 * Dovecot's imaptest compliance scripts played against Posthorn over PostgreSQL (issue 6:
 * everything holds on SQLite and PostgreSQL), in a schema of its own that is dropped
 * afterwards. In CI PostgreSQL must answer (test/support/pg.ts).
 */
import { test } from 'node:test';
import { pgAvailable } from '../support/pg.js';
import { noScripts, playAll } from './support/imaptest-play.js';
import { pgTestStore, startTestServer } from './support/harness.js';

test('imaptest compliance scripts (PostgreSQL)', { skip: noScripts }, async (t) => {
  if (!(await pgAvailable())) {
    t.skip('PostgreSQL not reachable');
    return;
  }
  const pg = await pgTestStore();
  const server = await startTestServer({ store: pg.store });
  try {
    await playAll(t, server);
  } finally {
    await server.close();
    await pg.cleanup();
  }
});
