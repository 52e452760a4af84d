/**
 * Dovecot's imaptest compliance scripts played against Posthorn over SQLite through the
 * runner in test/imaptest (support/imaptest-play.ts; the PostgreSQL run is
 * imaptest-runner-pg.test.ts). Every script that passes must keep passing.
 */
import { test } from 'node:test';
import { noScripts, playAll } from './support/imaptest-play.js';
import { startTestServer } from './support/harness.js';

test('imaptest compliance scripts (SQLite)', { skip: noScripts }, async (t) => {
  const server = await startTestServer();
  try {
    await playAll(t, server);
  } finally {
    await server.close();
  }
});
