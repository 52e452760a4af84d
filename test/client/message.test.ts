/** Composing (Bcc, RFC 2231 names, HTML alternative, CRLF), reading (text choice, charsets,
 *  uuencode) and saving attachments under safe names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose } from '../../src/client/compose.js';
import { attachmentData, renderMessage, viewMessage } from '../../src/client/message.js';
import { safeFileNames, safeName } from '../../src/client/save.js';
import { uudecode } from '../../src/client/uudecode.js';

const dir = mkdtempSync(join(tmpdir(), 'posthorn-msg-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('compose: CRLF, Bcc only in the envelope, non-ASCII file name per RFC 2231, HTML alternative; read it back', async () => {
  const bin = Buffer.from([0, 1, 2, 255, 254, 13, 10, 46]);
  const file = join(dir, 'Übersicht 2024.bin');
  writeFileSync(file, bin);
  const m = await compose({
    from: 'Zoë <zoe@example.com>',
    to: ['Ann <ann@example.com>'],
    cc: [],
    bcc: ['secret@example.com'],
    subject: 'Grüße',
    text: 'Hallo Ann\n',
    html: '<p>Hallo <b>Ann</b></p>',
    attachments: [file],
  });
  assert.deepEqual(m.recipients, ['ann@example.com', 'secret@example.com']);
  assert.equal(m.from, 'zoe@example.com');
  const s = m.raw.toString('latin1');
  assert.doesNotMatch(s, /secret@example\.com|^Bcc:/im);
  assert.doesNotMatch(s, /[^\r]\n/, 'every line ends in CRLF');
  assert.match(s, /^Subject: =\?UTF-8\?Q\?Gr=C3=BC=C3=9Fe\?=\r$/m);
  assert.match(s, /filename\*0\*=utf-8''%C3%9Cbersicht%202024\.bin/);
  assert.match(s, /multipart\/alternative/);
  const v = viewMessage(m.raw);
  assert.equal(v.parsed.subject, 'Grüße');
  assert.match(renderMessage(v), /^From: Zoë <zoe@example\.com>$/m);
  assert.match(v.text, /Hallo Ann/);
  assert.doesNotMatch(v.text, /<b>/);
  assert.equal(v.attachments.length, 1);
  assert.equal(v.attachments[0].name, 'Übersicht 2024.bin');
  assert.deepEqual(attachmentData(m.raw, v, v.attachments[0]), bin);
});

test('read: latin-1 quoted-printable text decoded; HTML-only shown as text; uuencoded block listed and decoded', () => {
  const raw = Buffer.from(
    'Subject: x\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nK=F6ln ist sch=F6n=\r\n!\r\n',
    'latin1',
  );
  assert.match(viewMessage(raw).text, /^Köln ist schön!/);
  const uu = Buffer.from('Subject: x\r\n\r\nthe file:\r\nbegin 644 ../../evil.txt\r\n#8V%T\r\n`\r\nend\r\n');
  const v = viewMessage(uu);
  assert.match(v.text, /\[uuencoded attachment: \.\.\/\.\.\/evil\.txt\]/);
  assert.equal(v.attachments.length, 1);
  assert.equal(attachmentData(uu, v, v.attachments[0]).toString(), 'cat');
  const html = viewMessage(Buffer.from('Content-Type: text/html\r\n\r\n<h1>Title</h1><p>One &amp; two</p>\r\n'));
  assert.match(html.text, /Title/);
  assert.match(html.text, /One & two/);
});

test('uudecode: POSIX line format', () => {
  const block = Buffer.from('begin 644 a\n,2&5L;&\\L(\'=O<FQD\n`\nend\n');
  assert.equal(uudecode(block).toString(), 'Hello, world');
});

test('safe file names: no traversal, no hidden files, duplicates numbered, no overwriting without --force', () => {
  assert.equal(safeName('../../etc/passwd', 'x'), 'passwd');
  assert.equal(safeName('C:\\Users\\a\\evil.exe', 'x'), 'evil.exe');
  assert.equal(safeName('..', 'fallback'), 'fallback');
  assert.equal(safeName('.bashrc', 'x'), 'bashrc');
  assert.equal(safeName('a\u0000b\nc.txt', 'x'), 'abc.txt');
  assert.equal(safeName('', 'attachment-1'), 'attachment-1');
  const out = join(dir, 'save');
  assert.deepEqual(safeFileNames(out, ['a.txt', 'A.txt', 'a.txt'], false), [join(out, 'a.txt'), join(out, 'A (2).txt'), join(out, 'a (3).txt')]);
  writeFileSync(join(dir, 'exists.txt'), 'x');
  assert.throws(() => safeFileNames(dir, ['exists.txt'], false), /would overwrite .*--force/);
  assert.deepEqual(safeFileNames(dir, ['exists.txt'], true), [join(dir, 'exists.txt')]);
});
