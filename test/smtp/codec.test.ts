// Sans-IO SMTP codec: tables fed whole and in chunks of 1, 2, 7 and 512 bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BodyReceiver, type BodyProblem } from '../../src/protocol/smtp/body.js';
import { SmtpInput } from '../../src/protocol/smtp/input.js';
import { formatReply, ReplyParser } from '../../src/protocol/smtp/reply.js';
import { parseCommandLine, parseMail, parseRcpt, parseBdat, CommandError } from '../../src/protocol/smtp/command.js';
import { formatPath } from '../../src/protocol/smtp/path.js';
import { encodeXtext, decodeXtext, type ParamSupport } from '../../src/protocol/smtp/params.js';

const SIZES = [1, 2, 7, 512, 100000];

function chunks(data: Buffer, n: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += n) out.push(data.subarray(i, i + n));
  return out;
}

function receive(wire: string, opts: { maxSize?: number; maxLine?: number } = {}, n = 100000) {
  const r = new BodyReceiver({ dotStuffed: true, maxSize: opts.maxSize ?? 1e6, maxLineLength: opts.maxLine ?? 998 });
  let rest: Buffer | null = null;
  let after = Buffer.alloc(0);
  for (const c of chunks(Buffer.from(wire, 'latin1'), n)) {
    if (rest !== null) {
      after = Buffer.concat([after, c]);
      continue;
    }
    rest = r.push(c);
    if (rest) after = Buffer.from(rest);
  }
  return { ended: rest !== null, body: r.body().toString('latin1'), problem: r.problem, after: after.toString('latin1') };
}

const DATA_TABLE: Array<[string, string, { ended: boolean; body?: string; problem: BodyProblem | null; after?: string }]> = [
  ['simple', 'Subject: x\r\n\r\nhello\r\n.\r\n', { ended: true, body: 'Subject: x\r\n\r\nhello\r\n', problem: null, after: '' }],
  ['empty message', '.\r\n', { ended: true, body: '', problem: null }],
  ['dot-stuffing removed', 'a\r\n..b\r\n...\r\n.\r\nQUIT\r\n', { ended: true, body: 'a\r\n.b\r\n..\r\n', problem: null, after: 'QUIT\r\n' }],
  ['smuggling \\n.\\n', 'a\r\n\n.\nMAIL FROM:<x@y.z>\r\n.\r\n', { ended: true, problem: 'bare-lf', after: '' }],
  ['smuggling \\r.\\r', 'a\r\n\r.\rMAIL FROM:<x@y.z>\r\n.\r\n', { ended: true, problem: 'bare-cr' }],
  ['smuggling \\r\\n.\\n', 'a\r\n.\nMAIL\r\n.\r\n', { ended: true, problem: 'bare-lf' }],
  ['smuggling \\n.\\r\\n', 'a\n.\r\nMAIL\r\n.\r\n', { ended: true, problem: 'bare-lf', after: '' }],
  ['bare CR mid-line', 'a\rb\r\n.\r\n', { ended: true, problem: 'bare-cr' }],
  ['not ended by \\n.\\n alone', 'a\n.\n', { ended: false, problem: 'bare-lf' }],
  ['NUL', 'a\x00b\r\n.\r\n', { ended: true, problem: 'nul' }],
  ['line too long', `${'x'.repeat(999)}\r\n.\r\n`, { ended: true, problem: 'line-too-long' }],
  ['998 is fine', `${'x'.repeat(998)}\r\n.\r\n`, { ended: true, problem: null }],
  ['8-bit passes', 'caf\xc3\xa9\r\n.\r\n', { ended: true, body: 'caf\xc3\xa9\r\n', problem: null }],
];

for (const [name, wire, want] of DATA_TABLE) {
  test(`DATA receiver: ${name}`, () => {
    for (const n of SIZES) {
      const got = receive(wire, {}, n);
      assert.equal(got.ended, want.ended, `ended, chunk ${n}`);
      assert.equal(got.problem, want.problem, `problem, chunk ${n}`);
      if (want.body !== undefined) assert.equal(got.body, want.body, `body, chunk ${n}`);
      if (want.after !== undefined) assert.equal(got.after, want.after, `after, chunk ${n}`);
    }
  });
}

test('DATA receiver enforces the size limit while streaming and still finds the end', () => {
  for (const n of SIZES) {
    const got = receive(`${'y'.repeat(80)}\r\n`.repeat(100) + '.\r\nNOOP\r\n', { maxSize: 1000 }, n);
    assert.equal(got.ended, true);
    assert.equal(got.problem, 'too-big');
    assert.equal(got.body, '');
    assert.equal(got.after, 'NOOP\r\n');
  }
});

test('BDAT body: raw octets, line checks unless binary', () => {
  const r = new BodyReceiver({ dotStuffed: false, maxSize: 100, maxLineLength: 998 });
  assert.equal(r.push(Buffer.from('a\r\n.\r\nb\r\n')), null);
  r.finish();
  assert.equal(r.body().toString(), 'a\r\n.\r\nb\r\n');
  assert.equal(r.problem, null);
  const bad = new BodyReceiver({ dotStuffed: false, maxSize: 100, maxLineLength: 998 });
  bad.push(Buffer.from('a\nb'));
  bad.finish();
  assert.equal(bad.problem, 'bare-lf');
  const bin = new BodyReceiver({ dotStuffed: false, maxSize: 100, maxLineLength: 0 });
  bin.push(Buffer.from([0, 10, 13, 1]));
  bin.finish();
  assert.equal(bin.problem, null);
  assert.deepEqual([...bin.body()], [0, 10, 13, 1]);
});

test('input: lines in any chunking, too-long lines reported once, bytes after', () => {
  const wire = Buffer.from(`EHLO a\r\nNOOP\n${'X'.repeat(600)}\r\nBDAT 3\r\nabcQUIT\r\n`);
  for (const n of SIZES) {
    const inp = new SmtpInput();
    const got: string[] = [];
    let bdat = 0;
    for (const c of chunks(wire, n)) {
      inp.push(c);
      for (;;) {
        if (bdat > 0) {
          const b = inp.readBytes(bdat);
          if (!b) break;
          bdat -= b.length;
          got.push(`bytes:${b.toString()}`);
          continue;
        }
        const l = inp.readLine(512);
        if (!l) break;
        const s = l.kind === 'line' ? l.line.toString() : 'TOO-LONG';
        if (s.startsWith('BDAT')) bdat = 3;
        got.push(s);
      }
    }
    assert.deepEqual(got.filter((g) => !g.startsWith('bytes:')), ['EHLO a', 'NOOP', 'TOO-LONG', 'BDAT 3', 'QUIT'], `chunk ${n}`);
    assert.equal(got.filter((g) => g.startsWith('bytes:')).map((g) => g.slice(6)).join(''), 'abc');
  }
});

test('replies: multi-line with enhanced codes round-trip through the parser in any chunking', () => {
  const wire = formatReply(250, null, ['mx.example.test', 'PIPELINING', 'SIZE 1000']) + formatReply(550, '5.1.1', 'No such user') + '220 plain\r\n';
  for (const n of SIZES) {
    const p = new ReplyParser();
    const got = chunks(Buffer.from(wire), n).flatMap((c) => p.push(c));
    assert.deepEqual(got, [
      { code: 250, enhanced: null, lines: ['mx.example.test', 'PIPELINING', 'SIZE 1000'] },
      { code: 550, enhanced: '5.1.1', lines: ['No such user'] },
      { code: 220, enhanced: null, lines: ['plain'] },
    ]);
  }
  assert.equal(formatReply(250, '2.0.0', ['a', 'b']), '250-2.0.0 a\r\n250 2.0.0 b\r\n');
  assert.equal(formatReply(250, '2.1.0', 'Sender OK'), '250 2.1.0 Sender OK\r\n');
  assert.equal(formatReply(354, null, 'End data with <CR><LF>.<CR><LF>'), '354 End data with <CR><LF>.<CR><LF>\r\n');
  assert.equal(formatReply(250, '2.0.0', ''), '250 2.0.0\r\n');
  assert.equal(formatReply(250, null, ''), '250 \r\n');
  // text with a line break becomes lines, never a bare CR or LF on the wire
  assert.equal(formatReply(550, '5.7.1', 'one\r\ntwo'), '550-5.7.1 one\r\n550 5.7.1 two\r\n');
  assert.equal(formatReply(550, null, 'one\ntwo\rthree'), '550-one\r\n550-two\r\n550 three\r\n');
  assert.throws(() => new ReplyParser().push('250-a\r\n251 b\r\n'), SyntaxError);
});

const ALL: ParamSupport = { size: true, eightBit: true, binary: true, smtputf8: true, dsn: true, auth: true };

test('command lines and paths', () => {
  assert.deepEqual(parseCommandLine(Buffer.from('mail FROM:<a@b.c>')), { verb: 'MAIL', arg: 'FROM:<a@b.c>' });
  assert.throws(() => parseCommandLine(Buffer.from('NO\x00OP')), (e: CommandError) => e.code === 500);
  assert.throws(() => parseCommandLine(Buffer.from([0x4d, 0xff, 0x41])), (e: CommandError) => e.code === 500);
  assert.equal(parseMail('FROM:<>', ALL).sender, '');
  assert.equal(parseMail('FROM: <a@b.example>', ALL).sender, 'a@b.example');
  assert.equal(parseMail('FROM:<@hop1.example,@hop2.example:u@d.example>', ALL).sender, 'u@d.example');
  assert.equal(parseMail('FROM:<"john doe"@d.example>', ALL).sender, '"john doe"@d.example');
  assert.equal(parseRcpt('TO:<"a>b"@d.example>', ALL, false).recipient, '"a>b"@d.example');
  const m = parseMail('FROM:<a@b.example> SIZE=1000 BODY=8BITMIME RET=HDRS ENVID=QQ+2B1 AUTH=<>', ALL);
  assert.deepEqual(m.params, { size: 1000, body: '8BITMIME', smtputf8: false, ret: 'HDRS', envid: 'QQ+1', auth: '' });
  const r = parseRcpt('TO:<x@y.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;x+40y.example', ALL, false);
  assert.deepEqual(r.params, { notify: ['SUCCESS', 'FAILURE'], orcpt: 'rfc822;x@y.example' });
  assert.equal(parseRcpt('TO:<Postmaster>', ALL, false).recipient, 'postmaster');
  // UTF-8 only with SMTPUTF8 (RFC 6531); IDNA domains
  assert.throws(() => parseMail('FROM:<jösé@exämple.test>', ALL), (e: CommandError) => e.code === 501);
  assert.equal(parseMail('FROM:<jösé@exämple.test> SMTPUTF8', ALL).sender, 'jösé@exämple.test');
  assert.throws(() => parseRcpt('TO:<a@exämple.test>', ALL, false), (e: CommandError) => e.enhanced === '5.1.3');
  assert.equal(parseRcpt('TO:<a@exämple.test>', ALL, true).recipient, 'a@exämple.test');
  // bad things
  assert.throws(() => parseMail('FROM:a@b.example', ALL), (e: CommandError) => e.code === 501);
  assert.throws(() => parseMail('FROM:<a@b.example> FOO=1', ALL), (e: CommandError) => e.code === 555);
  assert.throws(() => parseMail('FROM:<a@b.example> SIZE=1 SIZE=2', ALL), (e: CommandError) => e.code === 501);
  assert.throws(() => parseMail('FROM:<a@b.example> BODY=BINARYMIME', { ...ALL, binary: false }), (e: CommandError) => e.code === 501);
  assert.throws(() => parseRcpt('TO:<>', ALL, false), (e: CommandError) => e.code === 501);
  assert.throws(() => parseRcpt('TO:<a@b.example> NOTIFY=NEVER,DELAY', ALL, false), (e: CommandError) => e.code === 501);
  assert.deepEqual(parseBdat('100 LAST'), { size: 100, last: true });
  assert.throws(() => parseBdat('x'), CommandError);
  // path formatting for the client
  assert.equal(formatPath(''), '<>');
  assert.equal(formatPath('john doe@d.example'), '<"john doe"@d.example>');
  assert.equal(formatPath('a.b@d.example'), '<a.b@d.example>');
  assert.equal(decodeXtext(encodeXtext('a+b=c é')), 'a+b=c é');
});

test('DATA receiver (property): dot-stuffed CRLF text round-trips; chunking never changes the outcome', async () => {
  const fc = await import('fast-check');
  const line = fc.stringMatching(/^[ -~]{0,120}$/);
  fc.assert(fc.property(fc.array(line, { maxLength: 30 }), fc.integer({ min: 1, max: 64 }), (lines, n) => {
    const text = lines.map((l) => `${l}\r\n`).join('');
    const wire = lines.map((l) => `${l.startsWith('.') ? '.' : ''}${l}\r\n`).join('') + '.\r\n';
    const got = receive(wire, {}, n);
    return got.ended && got.problem === null && got.body === text;
  }));
  const bytes = fc.array(fc.constantFrom('a', '.', '\r', '\n', '\0', 'x'), { maxLength: 60 }).map((a) => a.join(''));
  fc.assert(fc.property(bytes, fc.integer({ min: 1, max: 9 }), (s, n) => {
    const whole = receive(s);
    const split = receive(s, {}, n);
    return whole.ended === split.ended && whole.problem === split.problem && whole.body === split.body && whole.after === split.after;
  }));
});

test('client side: MAIL/RCPT lines parse back on the server side; dotStuff round-trips', async () => {
  const { mailCommand, rcptCommand, parseEhlo, dotStuff } = await import('../../src/protocol/smtp/client.js');
  const mail = mailCommand('a b@x.example', { size: 10, body: '8BITMIME', ret: 'HDRS', envid: 'id=1 +x' });
  assert.equal(mail, 'MAIL FROM:<"a b"@x.example> SIZE=10 BODY=8BITMIME RET=HDRS ENVID=id+3D1+20+2Bx\r\n');
  const back = parseMail(parseCommandLine(Buffer.from(mail.trimEnd())).arg, ALL);
  assert.equal(back.params.envid, 'id=1 +x');
  const rcpt = rcptCommand('u@y.example', { notify: ['FAILURE'], orcpt: 'rfc822;u+t@y.example' });
  assert.deepEqual(parseRcpt(parseCommandLine(Buffer.from(rcpt.trimEnd())).arg, ALL, false).params, { notify: ['FAILURE'], orcpt: 'rfc822;u+t@y.example' });
  const ehlo = parseEhlo({ code: 250, enhanced: null, lines: ['mx hello', 'SIZE 1000', 'PIPELINING', 'AUTH PLAIN LOGIN'] });
  assert.equal(ehlo.get('SIZE'), '1000');
  assert.equal(ehlo.get('AUTH'), 'PLAIN LOGIN');
  const fc = await import('fast-check');
  fc.assert(fc.property(fc.array(fc.stringMatching(/^[.a-z]{0,6}$/), { maxLength: 10 }), (lines) => {
    const msg = lines.map((l) => `${l}\r\n`).join('');
    const r = receive(dotStuff(Buffer.from(msg)).toString('latin1'));
    return r.ended && r.body === msg && r.after === '';
  }));
});
