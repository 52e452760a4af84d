/** HEADER.FIELDS filtering on the octets (src/server/imap/fetch/sections.ts, RFC 3501 §6.4.5). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterHeaders } from '../../src/server/imap/fetch/sections.js';

const f = (block: string, fields: string[], not = false): string => filterHeaders(Buffer.from(block, 'latin1'), fields, not).toString('latin1');

test('HEADER.FIELDS: names case-insensitive and trimmed, folding follows its field, lines without a colon never kept', () => {
  const block = 'From: a@b.test\r\nSubject : one\r\n two\r\nNoColon\r\n cont\r\nX-Long-Name: z\r\nTo:c@d.test\r\n\r\nbody: not a header\r\n';
  assert.equal(f(block, ['SUBJECT', 'to']), 'Subject : one\r\n two\r\nTo:c@d.test\r\n\r\n');
  assert.equal(f(block, ['subject', 'TO'], true), 'From: a@b.test\r\nX-Long-Name: z\r\n\r\n');
  assert.equal(f(block, ['body']), '\r\n', 'nothing after the blank line');
  assert.equal(f(block, ['x-long-nam']), '\r\n', 'a prefix is not the name');
  assert.equal(f('Subject: no blank line', ['subject']), 'Subject: no blank line\r\n');
  assert.equal(f('\xa0Date\t: x\n\n', ['date']), '\xa0Date\t: x\n\r\n');
});
