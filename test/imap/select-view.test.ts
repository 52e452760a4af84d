/**
 * SELECT without per-message state (selected.ts, MailStore.selectView), over real sockets on
 * SQLite and PostgreSQL: FLAGS lists the keywords in use and [UNSEEN] the first unseen
 * message; \Recent is kept as UID intervals and counted right after expunges; a non-silent
 * STORE reports messages it left unchanged (their flags read from the store); a session's own
 * flag change is not reported again at the next NOOP; a search sees text not indexed yet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectLines } from './support/harness.js';
import { onEachStore } from './support/stores.js';

const msg = (n: number) => `Subject: m${n}\r\n\r\nbody ${n}\r\n`;

test('SELECT: keywords in FLAGS, first unseen, RECENT counted after an expunge', (t) => onEachStore(t, async (s) => {
  await s.deliver(msg(1), { flags: ['\\Seen'] });
  await s.deliver(msg(2), { flags: ['\\Seen', '$Work'] });
  await s.deliver(msg(3), { flags: ['$later'] });
  await s.deliver(msg(4), { flags: ['$Work'] });
  const c = await s.connect();
  const sel = await c.send('SELECT INBOX');
  expectLines(sel, [/^\* FLAGS \(.*\\Draft (\$Work \$later|\$later \$Work)\)$/, /^\* 4 EXISTS$/, /^\* 4 RECENT$/, /^\* OK \[UNSEEN 3\]/, /^t\d+ OK \[READ-WRITE\]/]);
  // a second session sees none of them as recent, and no UNSEEN while all are seen
  const b = await s.connect();
  expectLines(await b.send('EXAMINE INBOX'), [/^\* 0 RECENT$/, /^\* OK \[UNSEEN 3\]/]);
  await c.ok('STORE 1 +FLAGS.SILENT (\\Deleted)');
  expectLines(await c.send('EXPUNGE'), [/^\* 1 EXPUNGE$/, /^t\d+ OK/]);
  await s.deliver(msg(5));
  expectLines(await c.send('NOOP'), [/^\* 4 EXISTS$/, /^\* 4 RECENT$/, /^t\d+ OK/]);
  expectLines(await b.send('NOOP'), [/^\* 1 EXPUNGE$/, /^\* 4 EXISTS$/, /^\* 0 RECENT$/, /^t\d+ OK/]);
  const d = await s.connect();
  await d.ok('SELECT INBOX');
  await d.ok('STORE 1:* +FLAGS.SILENT (\\Seen)');
  await c.ok('NOOP');
  const all = await c.send('SELECT INBOX');
  assert.ok(!all.some((l) => l.includes('[UNSEEN')), all.join('\n'));
  expectLines(all, [/^\* 0 RECENT$/]);
}));

test('STORE reports unchanged messages; the session\'s own change is not reported twice', (t) => onEachStore(t, async (s) => {
  await s.deliver(msg(1), { flags: ['\\Seen'] });
  await s.deliver(msg(2));
  const c = await s.connect();
  await c.ok('SELECT INBOX');
  const st = await c.send('STORE 1:2 +FLAGS (\\Seen)');
  expectLines(st, [/^\* 1 FETCH \(FLAGS \(\\Recent \\Seen\)\)$/, /^\* 2 FETCH \(FLAGS \(\\Recent \\Seen\)\)$/, /^t\d+ OK/]);
  const noop = await c.send('NOOP');
  assert.deepEqual(noop.filter((l) => l.startsWith('* ')), []);
  // another session's change is reported
  const b = await s.connect();
  await b.ok('SELECT INBOX');
  await b.ok('STORE 2 +FLAGS.SILENT (\\Flagged)');
  expectLines(await c.send('NOOP'), [/^\* 2 FETCH \((UID 2 )?FLAGS \(\\Recent \\Seen \\Flagged\)\)$/, /^t\d+ OK/]);
  // FETCH of a body sets \Seen once; the FLAGS come with that FETCH, not again at NOOP
  await b.ok('STORE 2 -FLAGS.SILENT (\\Seen)');
  await c.ok('NOOP');
  expectLines(await c.send('FETCH 2 BODY[TEXT]'), [/^\* 2 FETCH \(BODY\[TEXT\] \{8\}[\s\S]* FLAGS \(\\Recent \\Seen \\Flagged\)\)$/, /^t\d+ OK/]);
  assert.deepEqual((await c.send('NOOP')).filter((l) => l.startsWith('* ')), []);
}));

test('SEARCH TEXT finds messages whose text the indexer has not reached, in any case', (t) => onEachStore(t, async (s) => {
  for (let i = 0; i < 30; i++) await s.deliver(`Subject: n${i}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${i % 3 === 0 ? 'GRÜSSE aus Zürich' : 'hello'}\r\n`);
  const c = await s.connect();
  await c.ok('SELECT INBOX');
  const hits = '1 4 7 10 13 16 19 22 25 28';
  expectLines(await c.send('SEARCH CHARSET UTF-8 TEXT {7+}\r\ngrüsse'), [new RegExp(`^\\* SEARCH ${hits}$`), /^t\d+ OK/]);
  expectLines(await c.send('SEARCH TEXT zurich'), [/^\* SEARCH$/]);
  expectLines(await c.send('SEARCH TEXT "aus z"'), [new RegExp(`^\\* SEARCH ${hits}$`)]);
  expectLines(await c.send('SEARCH NOT TEXT hello'), [new RegExp(`^\\* SEARCH ${hits}$`)]);
}));
