/**
 * Two sessions on one mailbox (RFC 3501 §7.4.1, RFC 7162): appends, flag changes and
 * expunges of one reach the other only at legal points; never an EXPUNGE during FETCH,
 * STORE or SEARCH; VANISHED under QRESYNC; IDLE hears changes as they happen.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pgAvailable, pgBaseUrl } from '../support/pg.js';
import { openStore } from '../../src/store/open.js';
import { expectLines, startTestServer, type TestServer } from './support/harness.js';

const MSG = 'Subject: x\r\n\r\nbody\r\n';

type Session = Awaited<ReturnType<TestServer['connect']>>;

/** A server with `n` messages in INBOX and two logged-in sessions, both with INBOX
 *  selected unless `select` is false. */
async function twoSessions(n: number, fn: (t: TestServer, a: Session, b: Session) => Promise<void>, select = true): Promise<void> {
  const t = await startTestServer();
  try {
    for (let i = 0; i < n; i++) await t.deliver(MSG);
    const a = await t.connect();
    const b = await t.connect();
    if (select) {
      await a.ok('SELECT INBOX');
      await b.ok('SELECT INBOX');
    }
    await fn(t, a, b);
  } finally {
    await t.close();
  }
}

test('new mail and flag changes reach the other session at NOOP', () => twoSessions(2, async (t, a, b) => {
  await t.deliver(MSG);
  await a.ok('STORE 1 +FLAGS.SILENT (\\Answered)');
  expectLines(await b.send('NOOP'), [/^\* 1 FETCH \(UID 1 FLAGS \((?:\\Recent ?)?\\Answered\)\)$/, /^\* 3 EXISTS$/, /^t\d+ OK/]);
  assert.equal((await b.send('NOOP')).length, 1);
}));

test('a change that no event announced is still shown after this session\'s own STORE and EXPUNGE', () => twoSessions(3, async (t, a) => {
  // A writer whose events do not reach this server (another process on the same file, as
  // the CLI): only the mailbox's MODSEQ tells of its change.
  await t.store.mail.storeFlags(t.inboxId, [[1, 1]], 'add', ['\\Flagged']);
  const stored = await a.send('STORE 2 +FLAGS (\\Seen)');
  const noop = await a.send('NOOP');
  const flagged = [...stored, ...noop].filter((l) => /^\* 1 FETCH \(.*\\Flagged/.test(l));
  assert.equal(flagged.length, 1, [...stored, ...noop].join('\n'));
  // the session's own changes are shown once, by the commands that made them
  expectLines(await a.send('STORE 3 +FLAGS (\\Deleted)'), [/^\* 3 FETCH \(FLAGS \((?:\\Recent )?\\Deleted\)\)$/, /^t\d+ OK/]);
  expectLines(await a.send('EXPUNGE'), [/^\* 3 EXPUNGE$/, /^t\d+ OK/]);
  expectLines(await a.send('NOOP'), [/^t\d+ OK/]);
  await t.store.mail.storeFlags(t.inboxId, [[2, 2]], 'add', ['\\Answered']);
  await t.store.mail.storeFlags(t.inboxId, [[1, 1]], 'add', ['\\Deleted']);
  expectLines(await a.send('EXPUNGE'), [/^\* 1 EXPUNGE$/, /^\* 1 FETCH \(UID 2 FLAGS \((?:\\Recent )?\\Seen \\Answered\)\)$/, /^t\d+ OK/]);
}));

test('no EXPUNGE during FETCH, STORE or SEARCH; sent at NOOP with the right numbers', () => twoSessions(4, async (_t, a, b) => {
  await a.ok('STORE 2,3 +FLAGS.SILENT (\\Deleted)');
  expectLines(await a.send('EXPUNGE'), [/^\* 2 EXPUNGE$/, /^\* 2 EXPUNGE$/, /OK/]);
  for (const cmd of ['FETCH 1:4 UID', 'STORE 4 +FLAGS (\\Seen)', 'SEARCH ALL']) {
    const lines = await b.send(cmd);
    assert.ok(!lines.some((l) => / EXPUNGE$/.test(l)), `${cmd}:\n${lines.join('\n')}`);
  }
  expectLines(await b.send('FETCH 4 UID'), [/^\* 4 FETCH \(UID 4\)$/]);
  expectLines(await b.send('NOOP'), [/^\* 2 EXPUNGE$/, /^\* 2 EXPUNGE$/, /^t\d+ OK/]);
  expectLines(await b.send('FETCH 2 UID'), [/^\* 2 FETCH \(UID 4\)$/]);
  // UID commands may carry expunges (RFC 3501 §7.4.1).
  await a.ok('STORE 1 +FLAGS.SILENT (\\Deleted)');
  await a.ok('EXPUNGE');
  expectLines(await b.send('UID FETCH 4 UID'), [/^\* 2 FETCH \(UID 4\)$/, /^\* 1 EXPUNGE$/, /OK/]);
}));

test('QRESYNC: VANISHED instead of EXPUNGE; SELECT with QRESYNC reports what changed', () => twoSessions(3, async (t, a, b) => {
  await b.ok('ENABLE QRESYNC');
  const sel = await b.ok('SELECT INBOX');
  const uidValidity = /UIDVALIDITY (\d+)/.exec(sel.join('\n'))?.[1];
  const modseq = Number(/HIGHESTMODSEQ (\d+)/.exec(sel.join('\n'))?.[1]);
  await a.ok('SELECT INBOX');
  await a.ok('STORE 2 +FLAGS.SILENT (\\Deleted)');
  await a.ok('EXPUNGE');
  await a.ok('STORE 1 +FLAGS.SILENT (\\Flagged)');
  expectLines(await b.send('NOOP'), [/^\* VANISHED 2$/, /^\* 1 FETCH \(UID 1 FLAGS \((?:\\Recent ?)?\\Flagged\) MODSEQ \(\d+\)\)$/, /OK/]);
  const c = await t.connect();
  await c.ok('ENABLE QRESYNC');
  expectLines(await c.send(`SELECT INBOX (QRESYNC (${uidValidity} ${modseq} 1:3))`), [
    /^\* VANISHED \(EARLIER\) 2$/, /^\* 1 FETCH \(UID 1 FLAGS \((?:\\Recent ?)?\\Flagged\) MODSEQ \(\d+\)\)$/, /OK \[READ-WRITE\]/,
  ]);
  expectLines(await c.send(`UID FETCH 1:* FLAGS (CHANGEDSINCE ${modseq} VANISHED)`), [/^\* VANISHED \(EARLIER\) 2$/, /^\* 1 FETCH \(UID 1 FLAGS \((?:\\Recent ?)?\\Flagged\) MODSEQ/, /OK/]);
}, false));

test('IDLE: EXISTS, flag changes and EXPUNGE arrive while idling; DONE ends it', () => twoSessions(2, async (t, a, b) => {
  b.write('i1 IDLE\r\n');
  assert.match(await b.line(), /^\+ idling/);
  await t.deliver(MSG);
  assert.equal(await b.line(), '* 3 EXISTS');
  assert.equal(await b.line(), '* 1 RECENT');
  await a.ok('STORE 1 +FLAGS.SILENT (\\Deleted)');
  assert.equal(await b.line(), '* 1 FETCH (UID 1 FLAGS (\\Deleted))');
  await a.ok('EXPUNGE');
  assert.equal(await b.line(), '* 1 EXPUNGE');
  b.write('DONE\r\n');
  expectLines(await b.until('i1'), [/^i1 OK IDLE terminated$/]);
  expectLines(await b.send('FETCH 2 UID'), [/^\* 2 FETCH \(UID 3\)$/]);
}));

test('PostgreSQL: IDLE on one connection hears an append made through another store handle (LISTEN/NOTIFY)', async (t) => {
  if (!(await pgAvailable())) {
    t.skip('PostgreSQL not reachable');
    return;
  }
  const schema = `imap_${randomBytes(6).toString('hex')}`;
  const url = `${pgBaseUrl()}?schema=${schema}`;
  const nodeA = await openStore({ url, dataDir: '/nonexistent' });
  const nodeB = await openStore({ url, dataDir: '/nonexistent' });
  const a = await startTestServer({ store: nodeA });
  const b = await startTestServer({ store: nodeB });
  try {
    const watcher = await b.connect();
    await watcher.ok('SELECT INBOX');
    watcher.write('i1 IDLE\r\n');
    assert.match(await watcher.line(), /^\+ idling/);
    await a.deliver(MSG);
    assert.equal(await watcher.line(), '* 1 EXISTS');
    watcher.write('DONE\r\n');
    expectLines(await watcher.until('i1'), [/^i1 OK/]);
    expectLines(await watcher.send('FETCH 1 BODY.PEEK[TEXT]'), [/^\* 1 FETCH \(BODY\[TEXT\] \{6\}\r\nbody\r\n\)$/]);
  } finally {
    await a.close();
    await b.close();
    const c = new pg.Client({ connectionString: pgBaseUrl() });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => c.end());
  }
});

test('a selected mailbox deleted by another session ends that session with BYE', async () => {
  const t = await startTestServer();
  try {
    const a = await t.connect();
    const b = await t.connect();
    await a.ok('CREATE Doomed');
    await b.ok('SELECT Doomed');
    await a.ok('DELETE Doomed');
    b.write('n1 NOOP\r\n');
    assert.match(await b.line(), /^\* BYE Selected mailbox was deleted/);
  } finally {
    await t.close();
  }
});

test('a keyword another session introduces is announced in FLAGS before it is shown', () => twoSessions(2, async (_t, a, b) => {
  await a.ok('STORE 1 +FLAGS.SILENT ($Label7)');
  const lines = await b.send('NOOP');
  const flagsAt = lines.findIndex((l) => /^\* FLAGS \(.*\$Label7.*\)$/.test(l));
  const fetchAt = lines.findIndex((l) => /^\* 1 FETCH .*\$Label7/.test(l));
  assert.ok(flagsAt >= 0, `no FLAGS with the new keyword:\n${lines.join('\n')}`);
  assert.ok(fetchAt > flagsAt, `FETCH before FLAGS:\n${lines.join('\n')}`);
  assert.ok(lines.some((l) => /^\* OK \[PERMANENTFLAGS \(.*\$Label7.*\\\*\)\]/.test(l)));
  // told once: a second change showing it does not repeat FLAGS
  await a.ok('STORE 2 +FLAGS.SILENT ($Label7)');
  assert.ok(!(await b.send('NOOP')).some((l) => /^\* FLAGS/.test(l)));
  // the session's own STORE of a new keyword announces it too
  const own = await b.send('STORE 2 +FLAGS ($Label8)');
  const ownFlags = own.findIndex((l) => /^\* FLAGS .*\$Label8/.test(l));
  assert.ok(ownFlags >= 0 && ownFlags < own.findIndex((l) => /^\* 2 FETCH/.test(l)), own.join('\n'));
}));

test('STATUS RECENT counts what no session has claimed; the session that claimed them counts its own', () => twoSessions(3, async (t, a, b) => {
  expectLines(await a.send('STATUS INBOX (MESSAGES RECENT)'), [/^\* STATUS "INBOX" \(MESSAGES 3 RECENT 3\)$/, /OK/]);
  await b.ok('SELECT INBOX'); // claims all three (RFC 3501 §2.3.2)
  expectLines(await a.send('STATUS INBOX (RECENT)'), [/^\* STATUS "INBOX" \(RECENT 0\)$/, /OK/]);
  expectLines(await b.send('STATUS INBOX (RECENT)'), [/^\* STATUS "INBOX" \(RECENT 3\)$/, /OK/]);
  await t.deliver(MSG);
  expectLines(await a.send('STATUS INBOX (MESSAGES RECENT)'), [/^\* STATUS "INBOX" \(MESSAGES 4 RECENT 1\)$/, /OK/]);
  await a.ok('EXAMINE INBOX'); // read-only: claims nothing
  expectLines(await a.send('STATUS INBOX (RECENT)'), [/OK/]);
  expectLines(await b.send('NOOP'), [/^\* 4 EXISTS$/, /^\* 4 RECENT$/, /OK/]);
  await a.ok('UNSELECT');
  expectLines(await a.send('STATUS INBOX (RECENT)'), [/^\* STATUS "INBOX" \(RECENT 0\)$/, /OK/]);
}, false));
