/** The IMAP receiver: commands, literals and size limits, fed in chunks of 1, 2, 7, 512 bytes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapReceiver, type ReceiverEvent, type ReceiverLimits } from '../../src/protocol/imap/receiver.js';

const CHUNKS = [1, 2, 7, 512];

function feed(input: string | Buffer, size: number, limits?: ReceiverLimits): string[] {
  const r = new ImapReceiver(limits);
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const out: ReceiverEvent[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(...r.push(buf.subarray(i, i + size)));
  return out.map((e) =>
    e.type === 'command' ? `cmd:${e.data.toString('latin1')}` : e.type === 'continue' ? `cont:${e.size}` : `toobig:${e.tag}:${e.what}`);
}

const small: ReceiverLimits = { maxLine: 100, maxLiteral: 50, maxCommand: 150 };

const cases: Array<{ name: string; input: string; limits?: ReceiverLimits; want: string[] }> = [
  { name: 'two commands', input: 'a1 NOOP\r\na2 CAPABILITY\r\n', want: ['cmd:a1 NOOP\r\n', 'cmd:a2 CAPABILITY\r\n'] },
  { name: 'bare LF', input: 'a1 NOOP\n', want: ['cmd:a1 NOOP\n'] },
  { name: 'sync literal', input: 'a1 LOGIN {5}\r\nalice {3}\r\npw!\r\n',
    want: ['cont:5', 'cont:3', 'cmd:a1 LOGIN {5}\r\nalice {3}\r\npw!\r\n'] },
  { name: 'non-sync literal', input: 'a1 LOGIN {5+}\r\nalice pw\r\n', want: ['cmd:a1 LOGIN {5+}\r\nalice pw\r\n'] },
  { name: 'literal containing CRLF and braces', input: 'a APPEND x {8+}\r\n{1}\r\n\r\nab\r\n',
    want: ['cmd:a APPEND x {8+}\r\n{1}\r\n\r\nab\r\n'] },
  { name: 'zero literal', input: 'a LOGIN {0}\r\n {0+}\r\n\r\n', want: ['cont:0', 'cmd:a LOGIN {0}\r\n {0+}\r\n\r\n'] },
  { name: 'literal8', input: 'a APPEND x ~{3+}\r\na\x00b\r\n', want: ['cmd:a APPEND x ~{3+}\r\na\x00b\r\n'] },
  { name: 'huge sync literal refused, connection goes on', input: 'a1 APPEND x {9999999999}\r\na2 NOOP\r\n',
    want: ['toobig:a1:literal', 'cmd:a2 NOOP\r\n'] },
  { name: 'over-limit non-sync literal is skipped', limits: small,
    input: `a1 APPEND x {60+}\r\n${'y'.repeat(60)}\r\na2 NOOP\r\n`, want: ['toobig:a1:literal', 'cmd:a2 NOOP\r\n'] },
  { name: 'long line discarded up to its end', limits: small,
    input: `a1 ${'x'.repeat(300)}\r\na2 NOOP\r\n`, want: ['toobig:a1:line', 'cmd:a2 NOOP\r\n'] },
  { name: 'command limit over several literals', limits: small,
    input: `a1 X {40}\r\n${'z'.repeat(40)} {40}\r\n${'z'.repeat(40)} {40}\r\n${'z'.repeat(40)} {40}\r\na2 NOOP\r\n`,
    want: ['cont:40', 'cont:40', 'cont:40', 'toobig:a1:command', 'cmd:a2 NOOP\r\n'] },
];

for (const c of cases) {
  test(`receiver: ${c.name}`, () => {
    for (const size of CHUNKS) assert.deepEqual(feed(c.input, size, c.limits), c.want, `chunk size ${size}`);
  });
}

test('receiver: a 10 MB line is never buffered whole', () => {
  const r = new ImapReceiver();
  const chunk = Buffer.alloc(65536, 0x61);
  const events: ReceiverEvent[] = [];
  events.push(...r.push(Buffer.from('t1 ')));
  for (let i = 0; i < 160; i++) events.push(...r.push(chunk));
  events.push(...r.push(Buffer.from('\r\nt2 NOOP\r\n')));
  assert.deepEqual(events.map((e) => e.type), ['too-big', 'command']);
});
