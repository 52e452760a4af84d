/**
 * Dovecot's imaptest compliance scripts (../shared/imaptest/tests) played against Posthorn
 * through the runner in test/imaptest. Every script that passes must keep passing. Scripts
 * that do not pass yet are listed in KNOWN_FAILING with the reason and reported as TODO —
 * never as passed; a script the server lacks a capability for is reported as skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runScript, type ScriptFix } from '../imaptest/runner.js';
import { SCRIPTS_DIR, scriptNames } from '../imaptest/cli.js';
import { PASS, startTestServer, USER, type TestServer } from './support/harness.js';
import { hashPassword } from '../../src/auth/password.js';

const USER2 = 'bob@example.test';

/** Script → why it fails today. Remove an entry as soon as the script passes. */
const KNOWN_FAILING: Record<string, string> = {
  listext: 'subscriptions to deleted mailboxes (\\NonExistent \\Subscribed) need subscriptions kept apart from mailboxes in the store',
};

/**
 * Upstream script defects, fixed here rather than in the shared scripts. urlauth2 has no
 * "messages:" header, so its mailbox is empty and its first command (FETCH 1:2) is BAD on
 * every server (Dovecot: "Invalid messageset"); its twin urlauth says "messages: 2".
 */
const FIXES: Record<string, ScriptFix> = {
  urlauth2: { messages: 2 },
};

const available = existsSync(SCRIPTS_DIR);

test('imaptest compliance scripts', { skip: available ? false : `no scripts at ${SCRIPTS_DIR}` }, async (t) => {
  let server: TestServer | null = await startTestServer();
  // imaptest's user2 (urlauth2 fetches the first user's URLs as another user).
  await server.store.directory.addAccount({ address: USER2, passwordHash: await hashPassword(PASS) });
  try {
    for (const name of scriptNames()) {
      const known = KNOWN_FAILING[name];
      await t.test(name, { todo: known }, async (st) => {
        const r = await runScript(`${SCRIPTS_DIR}/${name}`, { host: '127.0.0.1', port: (server as TestServer).port, user: USER, password: PASS, user2: USER2, timeoutMs: 3000 }, FIXES[name]);
        if (r.status === 'skipped') {
          st.skip(r.reason);
          return;
        }
        assert.equal(r.status, 'passed', r.reason);
      });
    }
  } finally {
    await server.close();
    server = null;
  }
});
