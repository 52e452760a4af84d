// POP3 codec: line splitting fed in chunks, command parsing, status lines, byte-stuffing, TOP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Pop3LineReader, dotStuff, err, multiline, ok, parseCommand, parseLineCount, parseMessageNumber, topOfMessage, type Pop3Input,
} from '../../src/protocol/pop3/index.js';

function feed(input: string, size: number, limit?: number): Pop3Input[] {
  const r = new Pop3LineReader(limit);
  const bytes = Buffer.from(input, 'utf8');
  const out: Pop3Input[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...r.push(bytes.subarray(i, i + size)));
  return out;
}

test('line reader: same lines whatever the chunk size, over-long lines reported once', () => {
  const long = 'X'.repeat(300);
  const input = `USER a@b\r\nPASS p w\nSTAT\r\n${long}\r\nNOOP\r\n${long}`;
  const expected: Pop3Input[] = [
    { kind: 'line', text: 'USER a@b' }, { kind: 'line', text: 'PASS p w' }, { kind: 'line', text: 'STAT' },
    { kind: 'too-long' }, { kind: 'line', text: 'NOOP' }, { kind: 'too-long' },
  ];
  for (const size of [1, 2, 7, 64, 512]) assert.deepEqual(feed(input, size), expected, `chunk ${size}`);
  // 255 octets including CRLF is the most allowed (RFC 2449 §4)
  assert.deepEqual(feed('A'.repeat(253) + '\r\n', 7), [{ kind: 'line', text: 'A'.repeat(253) }]);
  assert.deepEqual(feed('A'.repeat(254) + '\r\n', 7), [{ kind: 'too-long' }]);
});

test('command parser: verbs, arguments, PASS with spaces, malformed', () => {
  assert.deepEqual(parseCommand('retr 1'), { ok: true, value: { verb: 'RETR', args: ['1'], rest: '1' } });
  assert.deepEqual(parseCommand('PASS my secret '), { ok: true, value: { verb: 'PASS', args: ['my', 'secret'], rest: 'my secret ' } });
  assert.deepEqual(parseCommand('CAPA'), { ok: true, value: { verb: 'CAPA', args: [], rest: '' } });
  for (const bad of ['', '1RETR', ' STAT', 'RE\tTR']) assert.equal(parseCommand(bad).ok, false, bad);
});

test('argument checks: message numbers and line counts', () => {
  assert.deepEqual(parseMessageNumber('007'), { ok: true, value: 7 });
  for (const bad of [undefined, '0', 'x', '-1', '1.5', '99999999999']) assert.equal(parseMessageNumber(bad).ok, false, String(bad));
  assert.deepEqual(parseLineCount('0'), { ok: true, value: 0 });
  for (const bad of [undefined, '-1', 'x']) assert.equal(parseLineCount(bad).ok, false, String(bad));
});

test('status lines carry RFC 2449 response codes and never break lines', () => {
  assert.equal(ok(), '+OK\r\n');
  assert.equal(ok('2 320'), '+OK 2 320\r\n');
  assert.equal(err('maildrop busy', 'IN-USE'), '-ERR [IN-USE] maildrop busy\r\n');
  assert.equal(err('a\r\nb'), '-ERR a b\r\n');
  assert.equal(multiline('+OK\r\n', ['TOP', '.x']), '+OK\r\nTOP\r\n..x\r\n.\r\n');
});

test('dot-stuffing: leading dots doubled, final CRLF ensured, terminator appended', () => {
  const s = (t: string) => Buffer.concat(dotStuff(Buffer.from(t))).toString();
  assert.equal(s('a\r\nb\r\n'), 'a\r\nb\r\n.\r\n');
  assert.equal(s('.a\r\n..b\r\n.\r\nc'), '..a\r\n...b\r\n..\r\nc\r\n.\r\n');
  assert.equal(s(''), '.\r\n');
});

test('TOP: header, blank line, n body lines', () => {
  const msg = Buffer.from('Subject: x\r\nFrom: y\r\n\r\nl1\r\nl2\r\nl3\r\n');
  assert.equal(topOfMessage(msg, 0).toString(), 'Subject: x\r\nFrom: y\r\n\r\n');
  assert.equal(topOfMessage(msg, 2).toString(), 'Subject: x\r\nFrom: y\r\n\r\nl1\r\nl2\r\n');
  assert.equal(topOfMessage(msg, 99).toString(), msg.toString());
  assert.equal(topOfMessage(Buffer.from('Subject: only\r\n'), 3).toString(), 'Subject: only\r\n');
});
