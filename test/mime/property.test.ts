/**
 * Property tests (fast-check): the parser's result does not depend on how the input is
 * chunked, and no input — generated MIME trees, mutated fixtures, random bytes — makes it
 * throw or break the structural invariants.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { MimeParser, parseMessage } from '../../src/mime/parse.js';
import type { ParsedMessage } from '../../src/mime/types.js';
import { checkInvariants } from './invariants.js';

type Node =
  | { kind: 'leaf'; type: string; enc: string; lines: string[] }
  | { kind: 'multi'; sub: string; children: Node[]; closed: boolean; preamble: string }
  | { kind: 'msg'; subject: string | null; inner: Node | null };

const line = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', '--', '--b1', '--b1--', 'begin 644 f.txt', '#0V%T', '`', 'end', '=C3=BC=', 'Content-Type: text/plain'),
);
const { node } = fc.letrec<{ node: Node; leaf: Node; multi: Node; msg: Node }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('multi'), tie('msg')),
  leaf: fc.record({
    kind: fc.constant('leaf' as const),
    type: fc.constantFrom('text/plain; charset=utf-8', 'text/html', 'application/octet-stream', 'text/plain; charset=iso-2022-jp'),
    enc: fc.constantFrom('7bit', 'base64', 'quoted-printable', '8bit'),
    lines: fc.array(line, { maxLength: 6 }),
  }),
  multi: fc.record({
    kind: fc.constant('multi' as const),
    sub: fc.constantFrom('mixed', 'alternative', 'digest', 'related'),
    children: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
    closed: fc.boolean(),
    preamble: fc.string({ maxLength: 20 }),
  }),
  msg: fc.record({
    kind: fc.constant('msg' as const),
    subject: fc.option(fc.string({ maxLength: 30 }), { nil: null }) as fc.Arbitrary<string | null>,
    inner: fc.option(tie('node'), { nil: null }) as fc.Arbitrary<Node | null>,
  }),
}));

let counter = 0;
function render(n: Node, eol: string): string {
  if (n.kind === 'leaf') return `Content-Type: ${n.type}${eol}Content-Transfer-Encoding: ${n.enc}${eol}${eol}${n.lines.join(eol)}`;
  if (n.kind === 'msg') {
    const subject = n.subject === null ? '' : `Subject: ${n.subject}${eol}`;
    const rest = `${subject}${n.inner ? render(n.inner, eol) : ''}`;
    return `Content-Type: message/rfc822${eol}${rest ? eol + rest : ''}`;
  }
  const b = `b${++counter}`;
  let s = `Content-Type: multipart/${n.sub}; boundary="${b}"${eol}${eol}${n.preamble}`;
  for (const c of n.children) s += `${eol}--${b}${eol}${render(c, eol)}`;
  return n.closed ? `${s}${eol}--${b}--${eol}` : s;
}

function chunked(raw: Buffer, sizes: number[]): ParsedMessage {
  const p = new MimeParser();
  let i = 0;
  for (let k = 0; i < raw.length; k++) {
    const n = sizes.length ? sizes[k % sizes.length] : 1;
    p.write(raw.subarray(i, i + n));
    i += n;
  }
  return p.end();
}

const sizes = fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 8 });

test('generated MIME trees: same result in any chunking; invariants hold', () => {
  fc.assert(
    fc.property(node, fc.constantFrom('\r\n', '\n'), sizes, (n, eol, cs) => {
      const raw = Buffer.from(`From: a@b.test${eol}Subject: t${eol}${render(n, eol)}`);
      const whole = parseMessage(raw);
      checkInvariants(raw, whole);
      assert.deepEqual(chunked(raw, cs), whole);
    }),
    { numRuns: 300 },
  );
});

const fixtures = new URL('../fixtures/mime/', import.meta.url).pathname;
const corpus = readdirSync(fixtures).filter((f) => f.endsWith('.eml')).map((f) => readFileSync(join(fixtures, f)));

test('mutated fixtures never throw; chunking does not change the result', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: corpus.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.uint8Array({ maxLength: 8 })), { maxLength: 4 }),
      sizes,
      (idx, edits, cs) => {
        let raw = corpus[idx];
        for (const [at, del, ins] of edits) {
          const pos = raw.length ? at % raw.length : 0;
          raw = Buffer.concat([raw.subarray(0, pos), Buffer.from(ins), raw.subarray(pos + del)]);
        }
        const whole = parseMessage(raw);
        checkInvariants(raw, whole);
        assert.deepEqual(chunked(raw, cs), whole);
      },
    ),
    { numRuns: 200 },
  );
});

test('random bytes never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), sizes, (bytes, cs) => {
      const raw = Buffer.from(bytes);
      const whole = parseMessage(raw);
      checkInvariants(raw, whole);
      assert.deepEqual(chunked(raw, cs), whole);
    }),
    { numRuns: 300 },
  );
});
