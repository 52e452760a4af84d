/** IMAP sans-IO codecs: tokenizer, sequence sets, modified UTF-7, dates, writer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reader } from '../../src/protocol/imap/reader.js';
import { ImapError } from '../../src/protocol/imap/errors.js';
import { readSeqSet, resolveRanges, formatSet } from '../../src/protocol/imap/seqset.js';
import { decodeMutf7, encodeMutf7 } from '../../src/protocol/imap/mutf7.js';
import { readDateTime, formatDateTime, readDate } from '../../src/protocol/imap/dates.js';
import { Out } from '../../src/protocol/imap/writer.js';
import { parseCommandHead } from '../../src/protocol/imap/command.js';

const R = (s: string) => new Reader(Buffer.from(s));

test('reader: atoms, quoted strings, literals, NIL', () => {
  const r = R('abc "q \\"x\\" \\\\" {3}\r\nl i NIL (a "b" {1+}\r\nc)\r\n');
  assert.equal(r.astring(), 'abc');
  r.sp();
  assert.equal(r.astring(), 'q "x" \\');
  r.sp();
  assert.equal(r.astring(), 'l i');
  r.sp();
  assert.equal(r.nstring(), null);
  r.sp();
  assert.deepEqual(r.list(() => r.astring()), ['a', 'b', 'c']);
  r.end();
});

test('reader: bad escapes and unterminated strings are BAD', () => {
  for (const s of ['"a\\b"', '"abc', '{5}\r\nab']) {
    assert.throws(() => R(s).astring(), (e: unknown) => e instanceof ImapError && e.status === 'BAD', s);
  }
});

test('command head: tag, name, UID', () => {
  const h = parseCommandHead(Buffer.from('A001 uid fetch 1:* FLAGS\r\n'));
  assert.deepEqual([h.tag, h.name, h.uid], ['A001', 'FETCH', true]);
  assert.throws(() => parseCommandHead(Buffer.from('+ NOOP\r\n')));
});

test('sequence sets: ranges, *, $ and the range limit', () => {
  const s = readSeqSet(R('1:3,7,*,9:5'));
  assert.equal(s.kind, 'ranges');
  if (s.kind === 'ranges') assert.deepEqual(resolveRanges(s.ranges, 20), [[1, 3], [7, 7], [20, 20], [5, 9]]);
  assert.deepEqual(readSeqSet(R('$')), { kind: 'saved' });
  assert.throws(() => readSeqSet(R('0')));
  const many = Array.from({ length: 10001 }, (_, i) => String(i * 2 + 1)).join(',');
  assert.throws(() => readSeqSet(R(many)), (e: unknown) => e instanceof ImapError && e.code === 'LIMIT');
  assert.equal(formatSet([1, 2, 3, 5, 7, 8]), '1:3,5,7:8');
});

test('modified UTF-7: RFC 3501 §5.1.3 examples and round trips', () => {
  assert.equal(encodeMutf7('~peter/mail/台北/日本語'), '~peter/mail/&U,BTFw-/&ZeVnLIqe-');
  assert.equal(decodeMutf7('~peter/mail/&U,BTFw-/&ZeVnLIqe-'), '~peter/mail/台北/日本語');
  assert.equal(encodeMutf7('A&B'), 'A&-B');
  assert.equal(decodeMutf7('A&-B'), 'A&B');
  for (const s of ['Entwürfe', 'Gesendete Objekte', '😀 emoji', 'a\u00e9&\u00e9']) assert.equal(decodeMutf7(encodeMutf7(s)), s);
  for (const bad of ['&Jjo', '&AGE-', '&Jjo-&Jjo-', 'caf\u00e9', '&2D3-', '&U,BTF2-']) {
    assert.throws(() => decodeMutf7(bad), ImapError, bad);
  }
});

test('dates: date-time round trip and zones', () => {
  assert.equal(readDateTime(R('"17-Jul-1996 02:44:25 -0700"')), Date.UTC(1996, 6, 17, 9, 44, 25));
  assert.equal(readDateTime(R('" 1-Feb-2020 00:00:00 +0000"')), Date.UTC(2020, 1, 1));
  assert.equal(formatDateTime(Date.UTC(1996, 6, 17, 9, 44, 25)), '17-Jul-1996 09:44:25 +0000');
  assert.equal(readDate(R('1-Feb-2020')), Date.UTC(2020, 1, 1));
  assert.throws(() => readDate(R('31-Feb-2020')));
});

test('writer: atom, quoted or literal', () => {
  const s = (f: (o: Out) => void) => { const o = new Out(); f(o); return o.toBuffer().toString('utf8'); };
  assert.equal(s((o) => o.astring('INBOX')), 'INBOX');
  assert.equal(s((o) => o.astring('a b')), '"a b"');
  assert.equal(s((o) => o.astring('NIL')), '"NIL"');
  assert.equal(s((o) => o.string('x"y')), '"x\\"y"');
  assert.equal(s((o) => o.string('a\r\nb')), '{4}\r\na\r\nb');
  assert.equal(s((o) => o.string('café')), '{5}\r\ncafé');
  assert.equal(s((o) => o.string('café', { utf8: true })), '"café"');
  assert.equal(s((o) => o.mailbox('台北', { utf8: false })), '"&U,BTFw-"');
  assert.equal(s((o) => o.string('back\\slash')), '"back\\\\slash"');
  assert.equal(s((o) => o.string('nul\0')), '{4}\r\nnul\0');
  // at most 1024 octets quoted: counted in UTF-8 octets, not characters
  assert.equal(s((o) => o.string('x'.repeat(1024))), `"${'x'.repeat(1024)}"`);
  assert.equal(s((o) => o.string('x'.repeat(1025))), `{1025}\r\n${'x'.repeat(1025)}`);
  assert.equal(s((o) => o.string('é'.repeat(512), { utf8: true })), `"${'é'.repeat(512)}"`);
  assert.equal(s((o) => o.string('é'.repeat(513), { utf8: true })), `{1026}\r\n${'é'.repeat(513)}`);
  assert.equal(s((o) => o.string(Buffer.from('café'), { utf8: true })), '"café"');
  assert.equal(s((o) => o.string(Buffer.from('café'))), '{5}\r\ncafé');
});

test('writer: adjacent text is one piece, literal octets stay pieces of their own', () => {
  const o = new Out().raw('1 FETCH (').string('a b').raw(' BODY[] ').literal(Buffer.from('xyz')).raw(')');
  assert.deepEqual(o.parts, ['1 FETCH ("a b" BODY[] {3}\r\n', Buffer.from('xyz'), ')']);
});
