/**
 * Over real sockets, on SQLite and PostgreSQL: RFC 9394 PARTIAL (negative ranges counting
 * from the end, for SEARCH, UID SEARCH, SORT, UID SORT and the FETCH modifier), RFC 7162
 * §3.1.5 MODSEQ in SORT, ESORT and RFC 5267 context answers, and RFC 9208 STATUS
 * DELETED-STORAGE.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectLines, type TestServer } from './support/harness.js';
import { onEachStore } from './support/stores.js';

/** Five messages whose Date: order is 3 5 2 4 1 (SORT (DATE) ALL). */
async function fill(s: TestServer): Promise<void> {
  for (const day of [5, 3, 1, 4, 2]) {
    await s.deliver(`From: a@example.test\r\nSubject: day ${day}\r\nDate: ${day} Jan 2024 10:00:00 +0000\r\n\r\nbody ${day}\r\n`);
  }
}

const modseqs = async (c: Awaited<ReturnType<TestServer['connect']>>): Promise<number[]> =>
  (await c.send('FETCH 1:* (MODSEQ)')).flatMap((l) => /^\* \d+ FETCH \(MODSEQ \((\d+)\)\)$/.exec(l)?.[1] ?? []).map(Number);

test('RFC 9394 PARTIAL: negative ranges count from the end, for (UID) SEARCH and (UID) SORT', (t) => onEachStore(t, async (s) => {
  await fill(s);
  const c = await s.connect();
  assert.match((await c.ok('CAPABILITY'))[0], / PARTIAL( |$)/);
  await c.ok('SELECT INBOX');
  expectLines(await c.send('SEARCH RETURN (PARTIAL -1:-2) ALL'), [/^\* ESEARCH \(TAG "t\d+"\) PARTIAL \(-1:-2 4:5\)$/, /^t\d+ OK/]);
  expectLines(await c.send('UID SEARCH RETURN (PARTIAL -2:-1) ALL'), [/^\* ESEARCH \(TAG "t\d+"\) UID PARTIAL \(-1:-2 4:5\)$/, /^t\d+ OK/]);
  expectLines(await c.send('SEARCH RETURN (COUNT PARTIAL -4:-9) ALL'), [/^\* ESEARCH \(TAG "t\d+"\) COUNT 5 PARTIAL \(-4:-9 1:2\)$/, /^t\d+ OK/]);
  expectLines(await c.send('SEARCH RETURN (PARTIAL -6:-9) ALL'), [/^\* ESEARCH \(TAG "t\d+"\) PARTIAL \(-6:-9 NIL\)$/, /^t\d+ OK/]);
  expectLines(await c.send('SEARCH RETURN (PARTIAL 2:3) ALL'), [/^\* ESEARCH \(TAG "t\d+"\) PARTIAL \(2:3 2:3\)$/, /^t\d+ OK/]);
  // SORT: the window is taken from the sorted result (3 5 2 4 1)
  expectLines(await c.send('SORT RETURN (PARTIAL -1:-2) (DATE) UTF-8 ALL'), [/^\* ESEARCH \(TAG "t\d+"\) PARTIAL \(-1:-2 4,1\)$/, /^t\d+ OK/]);
  expectLines(await c.send('UID SORT RETURN (COUNT PARTIAL -5:-5) (DATE) UTF-8 ALL'), [/^\* ESEARCH \(TAG "t\d+"\) UID COUNT 5 PARTIAL \(-5:-5 3\)$/, /^t\d+ OK/]);
  for (const bad of ['SEARCH RETURN (PARTIAL 1:-5) ALL', 'SEARCH RETURN (PARTIAL -1:5) ALL', 'SEARCH RETURN (PARTIAL -0:-5) ALL', 'SEARCH RETURN (PARTIAL -1:-2 ALL) ALL']) {
    expectLines(await c.send(bad), [/^t\d+ BAD /]);
  }
}));

test('RFC 9394 FETCH PARTIAL: a window of the set in UID order, after CHANGEDSINCE', (t) => onEachStore(t, async (s) => {
  await fill(s);
  const c = await s.connect();
  await c.ok('SELECT INBOX');
  const lines = await c.send('UID FETCH 1:* (FLAGS) (PARTIAL -1:-2)');
  expectLines(lines, [/^\* 4 FETCH \(UID 4 FLAGS/, /^\* 5 FETCH \(UID 5 FLAGS/, /^t\d+ OK/]);
  assert.equal(lines.filter((l) => /^\* \d+ FETCH/.test(l)).length, 2, lines.join('\n'));
  const two = await c.send('FETCH 1:* (UID) (PARTIAL 2:3)');
  assert.deepEqual(two.filter((l) => /^\* \d+ FETCH/.test(l)), ['* 2 FETCH (UID 2)', '* 3 FETCH (UID 3)']);
  const before = Math.max(...(await modseqs(c)));
  await c.ok('STORE 2,4 +FLAGS (\\Flagged)');
  const changed = await c.send(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${before} PARTIAL -1:-1)`);
  assert.deepEqual(changed.filter((l) => /^\* \d+ FETCH/.test(l)).map((l) => /UID (\d+)/.exec(l)?.[1]), ['4']);
  expectLines(await c.send('UID FETCH 1:* (FLAGS) (PARTIAL 1:-1)'), [/^t\d+ BAD /]);
}));

test('RFC 7162 §3.1.5: SORT, ESORT and context updates carry the highest MODSEQ returned', (t) => onEachStore(t, async (s) => {
  await fill(s);
  const c = await s.connect();
  await c.ok('SELECT INBOX');
  const m = await modseqs(c);
  // plain SORT: "(MODSEQ n)" after the numbers, none for an empty result
  expectLines(await c.send(`SORT (DATE) UTF-8 MODSEQ ${m[3]}`), [new RegExp(`^\\* SORT 5 4 \\(MODSEQ ${Math.max(m[3], m[4])}\\)$`), /^t\d+ OK/]);
  expectLines(await c.send('SORT (DATE) UTF-8 MODSEQ 999999'), [/^\* SORT$/, /^t\d+ OK/]);
  // ESORT: MIN is the first in sort order (message 3); only it counts
  expectLines(await c.send('SORT RETURN (MIN) (DATE) UTF-8 MODSEQ 1'), [new RegExp(`^\\* ESEARCH \\(TAG "t\\d+"\\) MIN 3 MODSEQ ${m[2]}$`), /^t\d+ OK/]);
  expectLines(await c.send('UID SORT RETURN (ALL) (REVERSE DATE) UTF-8 MODSEQ 1'),
    [new RegExp(`^\\* ESEARCH \\(TAG "t\\d+"\\) UID ALL 1,4,2,5,3 MODSEQ ${Math.max(...m)}$`), /^t\d+ OK/]);
  // PARTIAL only: the window's messages count (RFC 9394 with RFC 7162)
  expectLines(await c.send('SEARCH RETURN (PARTIAL 1:2) MODSEQ 1'), [new RegExp(`^\\* ESEARCH \\(TAG "t\\d+"\\) PARTIAL \\(1:2 1:2\\) MODSEQ ${Math.max(m[0], m[1])}$`), /^t\d+ OK/]);
  // RFC 5267 context: ADDTO of a message whose MODSEQ now matches carries its MODSEQ
  const top = Math.max(...m);
  expectLines(await c.send(`SEARCH RETURN (UPDATE) MODSEQ ${top + 1}`, 'ctx1'), [/^ctx1 OK/]);
  const other = await s.connect();
  await other.ok('SELECT INBOX');
  await other.ok('STORE 2 +FLAGS (\\Answered)');
  const after = await c.send('NOOP');
  expectLines(after, [/^\* 2 FETCH/, /^\* ESEARCH \(TAG "ctx1"\) ADDTO \(0 2\) MODSEQ (\d+)$/, /^t\d+ OK/]);
  const added = Number(/ADDTO \(0 2\) MODSEQ (\d+)/.exec(after.join('\n'))?.[1]);
  assert.ok(added > top);
}));

test('RFC 9208 §4.1.4: STATUS DELETED-STORAGE in units of 1024 octets', (t) => onEachStore(t, async (s) => {
  await s.deliver(`Subject: big\r\n\r\n${'x'.repeat(3000)}\r\n`);
  await s.deliver('Subject: small\r\n\r\nhi\r\n');
  const c = await s.connect();
  expectLines(await c.send('STATUS INBOX (DELETED DELETED-STORAGE)'), [/^\* STATUS "INBOX" \(DELETED 0 DELETED-STORAGE 0\)$/]);
  await c.ok('SELECT INBOX');
  await c.ok('STORE 1 +FLAGS.SILENT (\\Deleted)');
  expectLines(await c.send('STATUS INBOX (DELETED-STORAGE DELETED)'), [/^\* STATUS "INBOX" \(DELETED-STORAGE 3 DELETED 1\)$/]);
  expectLines(await c.send('LIST "" INBOX RETURN (STATUS (DELETED-STORAGE))'), [/^\* STATUS "INBOX" \(DELETED-STORAGE 3\)$/]);
}));
