/**
 * Dovecot's imaptest compliance scripts (../shared/imaptest/tests) played against Posthorn
 * through the runner in test/imaptest, once over SQLite and once over PostgreSQL (issue 6:
 * "all of the above holds on SQLite and PostgreSQL"). Every script that passes must keep
 * passing. Scripts that do not pass yet are listed in KNOWN_FAILING with the reason and
 * reported as TODO — never as passed; a script the server lacks a capability for is
 * reported as skipped.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runScript } from '../imaptest/runner.js';
import { SCRIPTS_DIR, scriptNames } from '../imaptest/cli.js';
import { pgAvailable } from '../support/pg.js';
import { PASS, pgTestStore, startTestServer, USER, type TestServer } from './support/harness.js';

/** Script → why it fails today. Remove an entry as soon as the script passes. */
const KNOWN_FAILING: Record<string, string> = {};

const available = existsSync(SCRIPTS_DIR);

async function playAll(t: TestContext, server: TestServer): Promise<void> {
  for (const name of scriptNames()) {
    const known = KNOWN_FAILING[name];
    await t.test(name, { todo: known }, async (st) => {
      const r = await runScript(`${SCRIPTS_DIR}/${name}`, { host: '127.0.0.1', port: server.port, user: USER, password: PASS, timeoutMs: 3000 });
      if (r.status === 'skipped') {
        st.skip(r.reason);
        return;
      }
      assert.equal(r.status, 'passed', r.reason);
    });
  }
}

test('imaptest compliance scripts (SQLite)', { skip: available ? false : `no scripts at ${SCRIPTS_DIR}` }, async (t) => {
  const server = await startTestServer();
  try {
    await playAll(t, server);
  } finally {
    await server.close();
  }
});

test('imaptest compliance scripts (PostgreSQL)', { skip: available ? false : `no scripts at ${SCRIPTS_DIR}` }, async (t) => {
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
