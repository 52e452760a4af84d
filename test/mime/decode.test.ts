import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { attachmentContent, decodeBody, knownEncoding, partText } from '../../src/mime/decode.js';
import { parseMessage } from '../../src/mime/parse.js';
import { findPart } from '../../src/mime/sections.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/mime/${name}.eml`, import.meta.url));

test('parts decode from their offsets: base64, quoted-printable, charsets, HTML', () => {
  const raw = fixture('mixed-attachments');
  const p = parseMessage(raw);
  const pdf = decodeBody(raw, findPart(p, '2')!);
  assert.equal(pdf.subarray(0, 9).toString(), '%PDF-1.4\n');
  assert.equal(pdf.length, 9 + 768);
  assert.equal(p.attachments[0].size, pdf.length);
  const nested = fixture('nested-mixed-alt');
  const q = parseMessage(nested);
  assert.equal(partText(nested, findPart(q, '1.1')!), 'Grüße aus München');
  assert.equal(partText(nested, findPart(q, '1.2')!, { htmlToText: true }), 'Grüße aus München');
  assert.ok(knownEncoding(findPart(q, '1.1')!));
  const odd = parseMessage(fixture('cte-unknown'));
  assert.equal(knownEncoding(findPart(odd, '2')!), false);
});

test('uuencoded blocks decode to the original file', () => {
  const raw = fixture('uuencode');
  const p = parseMessage(raw);
  const [hello, bytes] = p.attachments;
  assert.equal(attachmentContent(raw, hello, findPart(p, hello.path)!).toString(), 'Hello from a uuencoded file!'.repeat(4));
  assert.deepEqual([...attachmentContent(raw, bytes, findPart(p, bytes.path)!)], Array.from({ length: 100 }, (_, i) => i));
  assert.equal(hello.size, 112);
});
