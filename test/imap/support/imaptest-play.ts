/**
 * Plays every imaptest compliance script (../shared/imaptest/tests) against a test server as
 * subtests: a script listed in KNOWN_FAILING is reported as TODO with the reason, never as
 * passed; a script the server lacks a capability for is reported as skipped. Used by the
 * SQLite and PostgreSQL runs (one file each, so each has the whole per-file time budget).
 */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runScript } from '../../imaptest/runner.js';
import { SCRIPTS_DIR, scriptNames } from '../../imaptest/cli.js';
import { PASS, USER, type TestServer } from './harness.js';

/** Script → why it fails today. Remove an entry as soon as the script passes. */
export const KNOWN_FAILING: Record<string, string> = {};

/** false, or why the scripts cannot be played here. */
export const noScripts: false | string = existsSync(SCRIPTS_DIR) ? false : `no scripts at ${SCRIPTS_DIR}`;

export async function playAll(t: TestContext, server: TestServer): Promise<void> {
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
