/** HEADER.FIELDS filtering on the octets (src/server/imap/fetch/sections.ts, RFC 3501 §6.4.5). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { parseMessage } from '../../src/mime/parse.js';
import { sectionRange } from '../../src/mime/sections.js';
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

// Moved from test/mime/structure.test.ts when the second HEADER.FIELDS implementation
// (src/mime/header-fields.ts) was removed: the same cases, on the ranges mime/sections gives.
const crlf = (s: string): Buffer => Buffer.from(s.replace(/\n/g, '\r\n'));
const ranged = (raw: Buffer, section: string, fields: string[], not = false): string => {
  const r = sectionRange(parseMessage(raw), section);
  assert.ok(r, `section ${section}`);
  return filterHeaders(raw.subarray(r.start, r.end), fields, not).toString();
};

test('HEADER.FIELDS (NOT) on a parsed message keeps folding and the blank line, also of an attached message', () => {
  const raw = crlf('From: a@b.test\nSubject: one\n two\nTo: c@d.test\nX-Other: y\n\nbody\n');
  assert.equal(ranged(raw, 'HEADER', ['subject', 'TO']), 'Subject: one\r\n two\r\nTo: c@d.test\r\n\r\n');
  assert.equal(ranged(raw, 'HEADER', ['Subject', 'to'], true), 'From: a@b.test\r\nX-Other: y\r\n\r\n');
  assert.equal(ranged(raw, 'HEADER', ['nothing']), '\r\n');
  const nested = readFileSync(new URL('../fixtures/mime/rfc822-attached.eml', import.meta.url));
  assert.equal(ranged(nested, '2.HEADER', ['subject']), 'Subject: The forwarded message\r\n\r\n');
  // A message that is all header: the field as stored, then the blank line that ends a
  // header section (always written, as for 'Subject: no blank line' above).
  assert.equal(ranged(crlf('Subject: x\n'), 'HEADER', ['subject']), 'Subject: x\r\n\r\n');
});
