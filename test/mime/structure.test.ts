import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { MimeParser, parseMessage, parseStream, MAX_DEPTH, MAX_PARTS } from '../../src/mime/parse.js';
import { findPart, sectionRange } from '../../src/mime/sections.js';
import { searchTextOf } from '../../src/mime/search-text.js';
import type { MimePart, ParsedMessage } from '../../src/mime/types.js';
import { checkInvariants } from './invariants.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/mime/${name}.eml`, import.meta.url));
const crlf = (s: string): Buffer => Buffer.from(s.replace(/\n/g, '\r\n'));
const slice = (raw: Buffer, p: ParsedMessage, section: string): string | null => {
  const r = sectionRange(p, section);
  return r ? raw.subarray(r.start, r.end).toString() : null;
};

test('sections of a nested multipart are served from offsets', () => {
  const raw = fixture('nested-mixed-alt');
  const p = parseMessage(raw);
  assert.equal(slice(raw, p, '1.1'), 'Gr=FC=DFe aus M=FCnchen');
  assert.equal(slice(raw, p, '1.1.MIME'), 'Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n');
  assert.equal(slice(raw, p, '2'), 'AAECAwQFBgcICQ==');
  assert.ok(slice(raw, p, '1')?.startsWith('--inner\r\n'));
  assert.ok(slice(raw, p, '1')?.endsWith('--inner--\r\n'));
  assert.ok(slice(raw, p, 'HEADER')?.endsWith('boundary="outer"\r\n\r\n'));
  assert.equal(slice(raw, p, 'TEXT'), raw.subarray(p.bodyStart).toString());
  assert.equal(slice(raw, p, ''), raw.toString());
  assert.equal(slice(raw, p, '3'), null);
  assert.equal(slice(raw, p, '1.1.1'), null);
  assert.equal(slice(raw, p, '1.HEADER'), null);
  assert.equal(findPart(p, '1.2')?.subtype, 'html');
  assert.equal(findPart(p, '0'), null);
  assert.equal(findPart(p, 'x'), null);
});

test('a single-part message is section 1; its MIME header is the message header', () => {
  const raw = fixture('simple-plain');
  const p = parseMessage(raw);
  assert.equal(p.body.path, '1');
  assert.equal(slice(raw, p, '1'), raw.subarray(p.bodyStart).toString().replace(/\r\n$/, '\r\n'));
  assert.equal(slice(raw, p, '1.MIME'), slice(raw, p, 'HEADER'));
  assert.equal(p.body.lines, 5);
});

test('message/rfc822 parts: N.HEADER, N.TEXT, N.1 and the embedded envelope', () => {
  const raw = fixture('rfc822-multipart');
  const p = parseMessage(raw);
  const m = findPart(p, '2');
  assert.equal(m?.type, 'message');
  assert.equal(m?.message?.envelope.subject, '=?utf-8?Q?Inner_multipart_=E2=9C=93?=');
  assert.ok(slice(raw, p, '2.HEADER')?.startsWith('From: Dave'));
  assert.ok(slice(raw, p, '2.HEADER')?.endsWith('boundary="in2"\r\n\r\n'));
  assert.ok(slice(raw, p, '2.TEXT')?.startsWith('--in2\r\n'));
  assert.equal(slice(raw, p, '2.1'), 'Inner body text.');
  assert.equal(slice(raw, p, '2.2'), 'a,b,c\r\n1,2,3');
  assert.equal(findPart(p, '2.2')?.lines, 1); // line feeds only, as Dovecot counts
  assert.equal(slice(raw, p, '2'), raw.subarray(m!.bodyStart, m!.bodyEnd).toString());
  const single = fixture('rfc822-attached');
  const q = parseMessage(single);
  assert.equal(slice(single, q, '2.1'), 'This is the forwarded text.\r\nIt has two lines.\r\n');
  assert.equal(findPart(q, '2')?.lines, 9);
});

test('offsets follow Dovecot: a delimiter line keeps its CRLF; an empty body keeps none', () => {
  const raw = crlf('Subject: x\nContent-Type: multipart/mixed; boundary="o"\n\n--o\nContent-Type: multipart/mixed; boundary="i"\n\n' +
    '--i\n\nx\n--i--\n--o\nContent-Type: text/plain\n\n--o\n\n--o--\n');
  const p = parseMessage(raw);
  assert.equal(slice(raw, p, '1'), '--i\r\n\r\nx\r\n--i--\r\n');
  assert.equal(slice(raw, p, '1.1'), 'x');
  assert.equal(slice(raw, p, '2.MIME'), 'Content-Type: text/plain\r\n');
  assert.equal(slice(raw, p, '2'), '');
  assert.equal(slice(raw, p, '3.MIME'), '');
  assert.deepEqual([findPart(p, '1')?.lines, findPart(p, '1.1')?.lines], [4, 0]);
});

test('multipart/digest children default to message/rfc822', () => {
  const p = parseMessage(fixture('digest'));
  assert.deepEqual(p.body.children?.map((c) => `${c.type}/${c.subtype}`), ['message/rfc822', 'message/rfc822', 'text/plain']);
  assert.equal(findPart(p, '1')?.message?.envelope.subject, 'First post');
});

test('a 1 MB header line is truncated with a defect, the rest still parses', () => {
  const long = 'x'.repeat(1024 * 1024);
  const raw = crlf(`Subject: ${long}\nFrom: a@b.test\n\nbody\n`);
  assert.deepEqual(feed(raw, 65536), parseMessage(raw));
  assert.deepEqual(feed(raw, 1000), parseMessage(raw));
  for (const p of [parseMessage(raw), feed(raw, 65536)]) {
    checkInvariants(raw, p);
    assert.equal(p.from, 'a@b.test');
    assert.equal(p.text, 'body');
    assert.ok(p.subject.length <= 128 * 1024 && p.subject.length > 60000);
    assert.ok(p.defects.some((d) => /truncated/.test(d)));
  }
});

test('nesting 200 deep is capped and recorded', () => {
  let s = 'Subject: deep\n';
  for (let i = 0; i < 200; i++) s += `Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\n`;
  s += 'Content-Type: text/plain\n\ninnermost\n';
  for (let i = 199; i >= 0; i--) s += `--b${i}--\n`;
  const raw = crlf(s);
  const p = parseMessage(raw);
  checkInvariants(raw, p);
  let depth = 0;
  for (let part: MimePart | undefined = p.body; part?.children; part = part.children[0]) depth++;
  assert.equal(depth, MAX_DEPTH);
  assert.ok(p.defects.some((d) => /nesting deeper/.test(d)));
  let m = 'Subject: deep\n';
  for (let i = 0; i < 200; i++) m += 'Content-Type: message/rfc822\n\n';
  const raw2 = crlf(`${m}\nend\n`);
  const q = parseMessage(raw2);
  checkInvariants(raw2, q);
  let levels = 0;
  for (let part: MimePart | undefined = q.body; part?.type === 'message'; part = part.message?.body) {
    assert.ok(part.message, 'every message/rfc822 part carries its message');
    levels++;
  }
  assert.equal(levels, MAX_DEPTH + 1);
  assert.ok(q.defects.some((d) => /nesting deeper/.test(d)));
});

test('parseStream reads a stream chunk by chunk', async () => {
  const raw = fixture('mixed-attachments');
  const chunks = [raw.subarray(0, 100), raw.subarray(100, 1000), raw.subarray(1000)];
  assert.deepEqual(await parseStream(Readable.from(chunks)), parseMessage(raw));
});

test('the number of parts is capped', () => {
  const raw = crlf(`Content-Type: multipart/mixed; boundary=b\n\n${'--b\n\nx\n'.repeat(MAX_PARTS + 500)}--b--\n`);
  const p = parseMessage(raw);
  checkInvariants(raw, p);
  assert.equal(p.body.children?.length, MAX_PARTS);
  assert.ok(p.defects.some((d) => /more than/.test(d)));
});

test('degenerate inputs never throw', () => {
  for (const s of ['', '\r\n', '\n\n\n', 'no header at all', '--', ':', 'Content-Type: multipart/mixed; boundary=x\r\n\r\n--x',
    'Content-Type: multipart/mixed; boundary=x\r\n\r\n--x--', 'Content-Type: message/rfc822\r\n\r\n',
    'Content-Type: multipart/mixed; boundary=""\r\n\r\nx', 'A: b\r\n c\r\n\td']) {
    const raw = Buffer.from(s);
    checkInvariants(raw, parseMessage(raw));
  }
  const p = parseMessage(Buffer.alloc(0));
  assert.equal(p.body.path, '1');
  assert.equal(p.size, 0);
});

test('a body line longer than memory should hold is streamed in fragments', () => {
  const raw = Buffer.concat([crlf('Content-Type: application/octet-stream\n\n'), Buffer.alloc(5 * 1024 * 1024, 0x61)]);
  const p = feed(raw, 100_000);
  checkInvariants(raw, p);
  assert.deepEqual(p, parseMessage(raw));
  assert.equal(p.body.size, 5 * 1024 * 1024);
  assert.equal(p.body.lines, 0);
});

test('search text holds decoded headers, attachment names and body text', () => {
  const t = searchTextOf(parseMessage(fixture('rfc2231-filename')));
  assert.match(t, /RFC 2231 filename/);
  assert.match(t, /Alice Example <alice@example\.test>/);
  assert.match(t, /€ rates\.txt/);
  assert.match(t, /See attachment\./);
  const u = searchTextOf(parseMessage(fixture('encoded-words-utf8')));
  assert.match(u, /Jürgen Müller/);
  assert.match(u, /Françoise/);
});

function feed(raw: Buffer, size: number): ParsedMessage {
  const p = new MimeParser();
  for (let i = 0; i < raw.length; i += size) p.write(raw.subarray(i, i + size));
  return p.end();
}

test('search text is bounded: a huge part does not starve the next one, the total is capped', () => {
  const big = 'word '.repeat(600_000); // 3 MB
  const raw = crlf(`Content-Type: multipart/mixed; boundary=b\n\n--b\n\n${big}\n--b\n\nneedle in the second part\n--b--\n`);
  const p = parseMessage(raw);
  assert.ok(p.text.length <= 1024 * 1024);
  assert.match(p.text, /word word/);
  assert.match(p.text, /needle in the second part$/);
  const q = parseMessage(crlf(`Content-Type: multipart/mixed; boundary=b\n\n--b\n\nneedle first\n--b\n\n${big}\n--b--\n`));
  assert.match(q.text, /^needle first/);
});

test('an empty message/rfc822 part right before a delimiter keeps its message inside it', () => {
  const raw = crlf('Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\nContent-Type: message/rfc822\n\n--b--\n');
  const p = parseMessage(raw);
  checkInvariants(raw, p);
  const m = findPart(p, '1')!;
  assert.equal(m.size, 'Content-Type: message/rfc822\r\n'.length);
  assert.equal(findPart(p, '1.1')?.message?.headerStart, m.bodyEnd);
  const raw2 = crlf('Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\n--b--\n');
  checkInvariants(raw2, parseMessage(raw2));
});
