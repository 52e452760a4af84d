// Port 25 (MX) transcripts over real sockets: greeting, EHLO keywords, local delivery,
// relay refusal, every sequence and syntax error, smuggling, size, limits.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpClient } from './support/client.js';
import { inbox, startTestServer, type TestServer } from './support/harness.js';

let t: TestServer;
before(async () => {
  t = await startTestServer({ mode: 'mx' });
  const d = t.store.directory;
  await d.addAlias('team@example.test', ['alice@example.test', 'bob@example.test']);
  await d.addAlias('loop1@example.test', ['loop2@example.test']);
  await d.addAlias('loop2@example.test', ['loop1@example.test']);
  await d.addForward('moved@example.test', 'new@elsewhere.test');
});
after(() => t.close());

async function greeted(): Promise<SmtpClient> {
  const c = await SmtpClient.connect(t.port);
  await c.expect(/^220 mx\.example\.test ESMTP/);
  return c;
}

test('EHLO advertises the extensions', async () => {
  const c = await greeted();
  const text = await c.cmd('EHLO client.test', '250');
  for (const k of ['PIPELINING', 'SIZE 100000', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', 'STARTTLS', 'AUTH PLAIN LOGIN', 'DSN', 'CHUNKING', 'BINARYMIME']) {
    assert.ok(text.includes(k), `missing ${k} in ${text}`);
  }
  await c.cmd('QUIT', '221 2.0.0');
  await c.closedByServer();
});

test('a message to a local user is delivered with Received and Return-Path', async () => {
  const c = await greeted();
  await c.cmd('EHLO client.test', '250');
  await c.cmd('MAIL FROM:<sender@remote.test>', '250 2.1.0');
  await c.cmd('RCPT TO:<Alice@Example.Test>', '250 2.1.5');
  await c.cmd('DATA', '354');
  c.write('Subject: hi\r\n\r\nHello\r\n..dot\r\n.\r\n');
  await c.expect(/^250 2\.0\.0 OK: queued as [0-9A-F]+/);
  await c.cmd('QUIT', '221');
  const msgs = inbox(t.store, 1);
  const m = msgs[msgs.length - 1];
  assert.match(m, /^Return-Path: <sender@remote\.test>\r\nReceived: from client\.test \(\[127\.0\.0\.1\]\)\r\n\tby mx\.example\.test \(Posthorn\) with ESMTP id [0-9A-F]+\r\n\tfor <Alice@Example\.Test>;\r\n\t\w{3}, /);
  assert.ok(m.endsWith('Subject: hi\r\n\r\nHello\r\n.dot\r\n'));
});

test('pipelined transaction, plus-addressing, alias fan-out gets one copy per account', async () => {
  const before1 = inbox(t.store, 1).length;
  const before2 = inbox(t.store, 2).length;
  const c = await greeted();
  await c.cmd('EHLO client.test', '250');
  c.write('MAIL FROM:<s@remote.test>\r\nRCPT TO:<alice+news@example.test>\r\nRCPT TO:<team@example.test>\r\nRCPT TO:<nobody@example.test>\r\nDATA\r\n');
  await c.expect('250 2.1.0');
  await c.expect('250 2.1.5');
  await c.expect('250 2.1.5');
  await c.expect('550 5.1.1');
  await c.expect('354');
  c.write('Subject: team\r\n\r\nx\r\n.\r\nQUIT\r\n');
  await c.expect('250 2.0.0');
  await c.expect('221');
  assert.equal(inbox(t.store, 1).length, before1 + 1);
  assert.equal(inbox(t.store, 2).length, before2 + 1);
  // more than one recipient: no "for" clause in Received
  assert.ok(!inbox(t.store, 1).at(-1)!.includes('\tfor <'));
});

test('relaying is denied on port 25; forwards answer 251 and are queued; loops are 550 5.4.6', async () => {
  const c = await greeted();
  await c.cmd('EHLO client.test', '250');
  await c.cmd('MAIL FROM:<s@remote.test>', '250');
  await c.cmd('RCPT TO:<victim@elsewhere.test>', '554 5.7.1');
  await c.cmd('RCPT TO:<loop1@example.test>', '550 5.4.6');
  await c.cmd('RCPT TO:<moved@example.test>', '251 2.1.5 User not local; will forward to <new@elsewhere.test>');
  await c.cmd('DATA', '354');
  c.write('Subject: fwd\r\n\r\nx\r\n.\r\n');
  await c.expect('250');
  const q = t.store.queued.at(-1)!;
  assert.equal(q.sender, 's@remote.test');
  assert.deepEqual(q.recipients.map((r) => [r.address, r.orcpt]), [['new@elsewhere.test', 'rfc822;moved@example.test']]);
  c.close();
});

test('bad sequence, syntax and unknown commands', async () => {
  const c = await greeted();
  await c.cmd('MAIL FROM:<a@b.test>', '503 5.5.1');
  await c.cmd('EHLO', '501 5.5.4');
  await c.cmd('EHLO client.test', '250');
  await c.cmd('RCPT TO:<alice@example.test>', '503 5.5.1');
  await c.cmd('DATA', '503 5.5.1');
  await c.cmd('FOO bar', '500 5.5.1');
  await c.cmd('MAIL FROM:alice@example.test', '501 5.1.3');
  await c.cmd('MAIL FROM:<a@b.test> FOO=BAR', '555 5.5.4');
  await c.cmd('MAIL FROM:<a@b.test> SIZE=100001', '552 5.3.4');
  await c.cmd('MAIL FROM:<jøe@b.test>', '501 5.1.3');
  await c.cmd('MAIL FROM:<jøe@b.test> SMTPUTF8', '250');
  await c.cmd('MAIL FROM:<a@b.test>', '503 5.5.1');
  await c.cmd('DATA', '554 5.5.1');
  await c.cmd('RCPT TO:<ålice@example.test>', '550 5.1.1');
  await c.cmd('RSET', '250 2.0.0');
  await c.cmd('NOOP', '250 2.0.0');
  await c.cmd('HELP', '214');
  await c.cmd('VRFY alice@example.test', '252 2.5.0');
  await c.cmd('EXPN team@example.test', '252 2.5.0');
  await c.cmd('TURN', '502 5.5.1');
  await c.cmd(`NOOP ${'x'.repeat(600)}`, '500 5.5.2');
  await c.cmd('NO\0OP', '500 5.5.2');
  c.write(Buffer.from([0x4e, 0x4f, 0xff, 0x0d, 0x0a]));
  await c.expect('500 5.5.2');
  await c.cmd('QUIT', '221');
});

test('too many recipients → 452 4.5.3', async () => {
  const c = await greeted();
  await c.cmd('EHLO client.test', '250');
  await c.cmd('MAIL FROM:<s@remote.test>', '250');
  for (let i = 0; i < 5; i++) await c.cmd(`RCPT TO:<alice+${i}@example.test>`, '250');
  await c.cmd('RCPT TO:<bob@example.test>', '452 4.5.3');
  c.close();
});

for (const [name, body, code] of [
  ['\\n.\\n', 'Subject: a\r\n\r\nx\n.\nMAIL FROM:<evil@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n', '554 5.5.2 Bare LF'],
  ['\\r.\\r', 'Subject: a\r\n\r\nx\r.\rMAIL FROM:<evil@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n', '554 5.5.2 Bare CR'],
  ['\\r\\n.\\n', 'Subject: a\r\n\r\nx\r\n.\nMAIL FROM:<evil@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n', '554 5.5.2 Bare LF'],
] as const) {
  test(`SMTP smuggling with ${name} is refused and nothing is smuggled`, async () => {
    const n1 = inbox(t.store, 1).length;
    const n2 = inbox(t.store, 2).length;
    const c = await greeted();
    await c.cmd('EHLO client.test', '250');
    await c.cmd('MAIL FROM:<s@remote.test>', '250');
    await c.cmd('RCPT TO:<alice@example.test>', '250');
    await c.cmd('DATA', '354');
    c.write(body);
    await c.expect(code);
    await c.cmd('NOOP', '250');
    c.close();
    assert.equal(inbox(t.store, 1).length, n1);
    assert.equal(inbox(t.store, 2).length, n2);
  });
}

test('size limit is enforced while streaming; long lines and NUL are refused', async () => {
  const c = await greeted();
  await c.cmd('EHLO client.test', '250');
  await c.cmd('MAIL FROM:<s@remote.test>', '250');
  await c.cmd('RCPT TO:<alice@example.test>', '250');
  await c.cmd('DATA', '354');
  const line = `${'y'.repeat(78)}\r\n`;
  for (let i = 0; i < 20; i++) c.write(line.repeat(100));
  c.write('.\r\n');
  await c.expect('552 5.3.4');
  await c.cmd('MAIL FROM:<s@remote.test>', '250');
  await c.cmd('RCPT TO:<alice@example.test>', '250');
  await c.cmd('DATA', '354');
  c.write(`${'z'.repeat(1200)}\r\n.\r\n`);
  await c.expect('554 5.6.0 Message line too long');
  await c.cmd('MAIL FROM:<s@remote.test>', '250');
  await c.cmd('RCPT TO:<alice@example.test>', '250');
  await c.cmd('DATA', '354');
  c.write('a\0b\r\n.\r\n');
  await c.expect('554 5.6.0 NUL');
  c.close();
});

test('quota exceeded → 552 5.2.2', async () => {
  const c = await greeted();
  await c.cmd('EHLO client.test', '250');
  await c.cmd('MAIL FROM:<s@remote.test>', '250');
  await c.cmd('RCPT TO:<bob@example.test>', '250');
  await c.cmd('DATA', '354');
  c.write(`Subject: big\r\n\r\n${`${'q'.repeat(70)}\r\n`.repeat(40)}.\r\n`);
  await c.expect('552 5.2.2');
  c.close();
});

test('BDAT chunks, BINARYMIME, BDAT out of sequence still consumes its chunk', async () => {
  const n = inbox(t.store, 1).length;
  const c = await greeted();
  await c.cmd('EHLO client.test', '250');
  c.write('BDAT 5\r\nhello');
  await c.expect('503 5.5.1');
  await c.cmd('MAIL FROM:<s@remote.test> BODY=BINARYMIME', '250');
  await c.cmd('RCPT TO:<alice@example.test>', '250');
  await c.cmd('DATA', '503 5.5.1');
  const part1 = 'Subject: bin\r\n\r\n';
  const part2 = 'a\nb\0c\r\n';
  c.write(`BDAT ${part1.length}\r\n${part1}BDAT ${Buffer.byteLength(part2)} LAST\r\n${part2}`);
  await c.expect(`250 2.0.0 ${part1.length} octets`);
  await c.expect('250 2.0.0 OK');
  await c.cmd('MAIL FROM:<s@remote.test>', '250');
  await c.cmd('RCPT TO:<alice@example.test>', '250');
  c.write('BDAT 5 LAST\r\nx\ny\r\n');
  await c.expect('554 5.5.2 Bare LF');
  c.close();
  const got = inbox(t.store, 1);
  assert.equal(got.length, n + 1);
  assert.ok(got.at(-1)!.endsWith(part1 + part2));
});

test('commands pipelined without EHLO are refused; too many errors end the session', async () => {
  const c = await greeted();
  await c.cmd('HELO client.test', '250');
  c.write('MAIL FROM:<s@remote.test>\r\nRCPT TO:<alice@example.test>\r\n');
  await c.expect('554 5.5.0');
  await c.closedByServer();
  const d = await greeted();
  for (let i = 0; i < 20; i++) await d.cmd('BOGUS', '500');
  await d.cmd('BOGUS', '500');
  await d.expect('421 4.7.0');
  await d.closedByServer();
});

test('STARTTLS injection: plaintext after STARTTLS is discarded', async () => {
  const c = await greeted();
  await c.cmd('EHLO client.test', '250');
  c.write('STARTTLS\r\nMAIL FROM:<injected@remote.test>\r\n');
  await c.expect('220 2.0.0');
  await c.upgrade();
  const text = await c.cmd('EHLO client.test', '250');
  assert.ok(!text.includes('STARTTLS'));
  await c.cmd('RCPT TO:<alice@example.test>', '503 5.5.1'); // the injected MAIL never ran
  await c.cmd('MAIL FROM:<s@remote.test>', '250');
  await c.cmd('RCPT TO:<alice@example.test>', '250');
  await c.cmd('DATA', '354');
  c.write('Subject: tls\r\n\r\nx\r\n.\r\n');
  await c.expect('250');
  await c.cmd('STARTTLS', '503 5.5.1');
  c.close();
  assert.match(inbox(t.store, 1).at(-1)!, /\(using TLSv1\.3 with cipher TLS_AES_\w+\)\r\n\tby mx\.example\.test \(Posthorn\) with ESMTPS id/);
});

test('IDNA domains match in either form; <postmaster> without a domain reaches ours', async () => {
  const d = t.store.directory;
  await d.addDomain('bücher.test');
  const acc = await d.addAccount({ address: 'leser@bücher.test', passwordHash: 'x' });
  await d.addAlias('postmaster@example.test', ['alice@example.test']);
  const c = await greeted();
  await c.cmd('EHLO client.test', '250');
  await c.cmd('MAIL FROM:<s@remote.test>', '250');
  await c.cmd('RCPT TO:<Leser@XN--BCHER-KVA.test>', '250 2.1.5');
  await c.cmd('RCPT TO:<postmaster>', '250 2.1.5');
  await c.cmd('DATA', '354');
  c.write('Subject: idna\r\n\r\nx\r\n.\r\n');
  await c.expect('250');
  await c.cmd('MAIL FROM:<s@remote.test> SMTPUTF8', '250');
  await c.cmd('RCPT TO:<leser@BÜCHER.test>', '250 2.1.5');
  c.close();
  assert.ok(inbox(t.store, acc.id).at(-1)!.includes('Subject: idna'));
  assert.ok(inbox(t.store, 1).at(-1)!.includes('Subject: idna'));
});
