/**
 * Plays every imaptest compliance script (../shared/imaptest/tests) against a test server as
 * subtests: a script listed in KNOWN_FAILING is reported as TODO with the reason, never as
 * passed; a script the server lacks a capability for is reported as skipped. Used by the
 * SQLite and PostgreSQL runs (one file each, so each has the whole per-file time budget).
 */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runScript, type ScriptFix } from '../../imaptest/runner.js';
import { hashPassword } from '../../../src/auth/password.js';
import { SCRIPTS_DIR, scriptNames } from '../../imaptest/cli.js';
import { PASS, USER, type TestServer } from './harness.js';

/** Script → why it fails today. Remove an entry as soon as the script passes. */
export const KNOWN_FAILING: Record<string, string> = {};

/** imaptest's user2 (urlauth2 fetches the first user's URLs as another user). */
const USER2 = 'bob@example.test';

/**
 * Upstream script defects, fixed here rather than in the shared scripts. urlauth2 has no
 * "messages:" header, so its mailbox is empty and its first command (FETCH 1:2) is BAD on
 * every server (Dovecot: "Invalid messageset"); its twin urlauth says "messages: 2".
 */
const FIXES: Record<string, ScriptFix> = {
  urlauth2: { messages: 2 },
};

/** false, or why the scripts cannot be played here. */
export const noScripts: false | string = existsSync(SCRIPTS_DIR) ? false : `no scripts at ${SCRIPTS_DIR}`;

export async function playAll(t: TestContext, server: TestServer): Promise<void> {
  await server.store.directory.addAccount({ address: USER2, passwordHash: await hashPassword(PASS) });
  for (const name of scriptNames()) {
    const known = KNOWN_FAILING[name];
    await t.test(name, { todo: known }, async (st) => {
      const r = await runScript(`${SCRIPTS_DIR}/${name}`, { host: '127.0.0.1', port: server.port, user: USER, password: PASS, user2: USER2, timeoutMs: 3000 }, FIXES[name]);
      if (r.status === 'skipped') {
        st.skip(r.reason);
        return;
      }
      assert.equal(r.status, 'passed', r.reason);
    });
  }
}
