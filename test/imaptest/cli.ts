/**
 * Runs imaptest scripts against any IMAP server, e.g. Dovecot on loopback:
 *   node --import tsx test/imaptest/cli.ts HOST PORT USER PASS [SCRIPT...]
 * Scripts for two users (urlauth2) log the second in as IMAPTEST_USER2 (password PASS, or
 * IMAPTEST_PASS2), e.g. IMAPTEST_USER2=user2 for the anchor Dovecot.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { runScript } from './runner.js';

/** ../shared/imaptest/tests beside the project (as CI has it), or IMAPTEST_TESTS. */
export const SCRIPTS_DIR = process.env.IMAPTEST_TESTS ??
  ['../../../shared', '../../../../shared', '/work/shared']
    .map((p) => new URL(`${p}/imaptest/tests`, import.meta.url).pathname)
    .find((p) => existsSync(p)) ?? 'shared/imaptest/tests (not found)';

export function scriptNames(): string[] {
  return readdirSync(SCRIPTS_DIR).filter((n) => !n.endsWith('.mbox') && statSync(`${SCRIPTS_DIR}/${n}`).isFile()).sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [host, port, user, password, ...names] = process.argv.slice(2);
  let passed = 0, failed = 0, skipped = 0;
  for (const n of names.length ? names : scriptNames()) {
    const r = await runScript(`${SCRIPTS_DIR}/${n}`, { host, port: Number(port), user, password, user2: process.env.IMAPTEST_USER2, password2: process.env.IMAPTEST_PASS2 });
    if (r.status === 'passed') passed++;
    else if (r.status === 'failed') failed++;
    else skipped++;
    console.log(`${r.status.padEnd(7)} ${r.name}${r.reason ? ` — ${r.reason}` : ''}`);
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
}
