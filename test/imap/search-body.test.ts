/**
 * SEARCH BODY over real sockets, on SQLite and PostgreSQL: the full-text index holds header
 * fields and body text together, and message rows no longer keep the body text
 * (mime/stored-metadata.ts), so a string found in a header field as well is checked against
 * the body parsed from the message itself. RFC 3501 §6.4.4: BODY matches "the body of the
 * message", TEXT "the header or body".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectLines } from './support/harness.js';
import { onEachStore } from './support/stores.js';

test('SEARCH BODY: a string in the subject and the body matches, in the subject only does not', (t) => onEachStore(t, async (s) => {
  await s.deliver('From: a@example.test\r\nSubject: kiwi report\r\n\r\nthe kiwi harvest\r\n');
  await s.deliver('From: a@example.test\r\nSubject: kiwi news\r\n\r\nnothing about fruit\r\n');
  await s.deliver('From: a@example.test\r\nSubject: other\r\n\r\na kiwi here\r\n');
  await s.deliver('From: a@example.test\r\nSubject: base64\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\nX-Tag: kiwi\r\n\r\n' +
    `${Buffer.from('encoded kiwi inside').toString('base64')}\r\n`);
  const c = await s.connect();
  await c.ok('SELECT INBOX');
  expectLines(await c.send('SEARCH BODY kiwi'), [/^\* SEARCH 1 3 4$/, /^t\d+ OK/]);
  expectLines(await c.send('SEARCH TEXT kiwi'), [/^\* SEARCH 1 2 3 4$/, /^t\d+ OK/]);
  expectLines(await c.send('SEARCH NOT BODY kiwi'), [/^\* SEARCH 2$/, /^t\d+ OK/]);
  expectLines(await c.send('SEARCH OR BODY harvest BODY news'), [/^\* SEARCH 1$/, /^t\d+ OK/]);
  // larger than the blob cache keeps: parsed from its blob in pieces
  await s.deliver(`From: a@example.test\r\nSubject: big kiwi\r\n\r\nkiwi first\r\n${'filler line of a large message\r\n'.repeat(50_000)}`);
  await s.deliver(`From: a@example.test\r\nSubject: big kiwi too\r\n\r\n${'filler line of a large message\r\n'.repeat(50_000)}`);
  await c.ok('NOOP');
  expectLines(await c.send('SEARCH BODY kiwi'), [/^\* SEARCH 1 3 4 5$/, /^t\d+ OK/]);
  const rows = await s.store.mail.getMessages((await s.store.mail.getMailbox((await s.store.directory.getAccount('alice@example.test'))!.id, 'INBOX'))!.id, [[1, 1]]);
  assert.equal((JSON.parse(rows[0].metadata) as { text: string }).text, '', 'the row keeps no body text');
}));
