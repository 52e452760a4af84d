/**
 * The path of one message through `posthorn serve`, as a user sees it: another server hands
 * mail for a local user to port 25; the user submits mail on 587 after AUTH; both are then
 * listed over IMAP and read back over POP3 byte for byte. Then SIGTERM stops the server cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { posthorn, serve, tempData, Talk } from './support.js';

test('mail in on port 25 and 587, read back over POP3, clean stop on SIGTERM', async () => {
  const data = tempData();
  try {
    assert.equal(posthorn(data.dir, ['domain', 'add', 'example.test']).status, 0);
    assert.equal(posthorn(data.dir, ['user', 'add', 'alice@example.test', '--password-stdin'], 'correct-horse-9\n').status, 0);
    const s = await serve(data.dir, ['smtp', 'submission', 'pop3', 'imap']);
    try {
      const body = 'From: bob@remote.test\r\nTo: alice@example.test\r\nSubject: across the wire\r\n\r\nfirst line\r\n..a dotted line\r\n';
      const mx = await Talk.open(s.ports.smtp);
      await mx.until(/^220 /);
      mx.send('EHLO remote.test\r\n');
      await mx.until(/^250 /);
      mx.send('MAIL FROM:<bob@remote.test>\r\n');
      await mx.until(/^250 /);
      mx.send('RCPT TO:<nobody@example.test>\r\n');
      assert.match(await mx.until(/^\d{3} /), /^550 5\.1\.1 /m);
      mx.send('RCPT TO:<someone@elsewhere.test>\r\n');
      assert.match(await mx.until(/^\d{3} /), /^554 5\.7\.1 /m, 'port 25 is not an open relay');
      mx.send('RCPT TO:<alice@example.test>\r\n');
      await mx.until(/^250 /);
      mx.send('DATA\r\n');
      await mx.until(/^354 /);
      mx.send(`${body}.\r\n`);
      assert.match(await mx.until(/^\d{3} /), /^250 2\.0\.0 /m);
      mx.send('QUIT\r\n');
      await mx.until(/^221 /);
      mx.close();

      const sub = await Talk.open(s.ports.submission);
      await sub.until(/^220 /);
      sub.send('EHLO client.test\r\n');
      await sub.until(/^250 /);
      sub.send('MAIL FROM:<alice@example.test>\r\n');
      assert.match(await sub.until(/^\d{3} /), /^530 5\.7\.0 /m, 'submission needs AUTH');
      sub.send(`AUTH PLAIN ${Buffer.from('\0alice@example.test\0correct-horse-9').toString('base64')}\r\n`);
      assert.match(await sub.until(/^\d{3} /), /^235 /m);
      sub.send('MAIL FROM:<alice@example.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n');
      await sub.until(/^354 /);
      sub.send('Subject: note to self\r\n\r\nremember the milk\r\n.\r\n');
      assert.match(await sub.until(/^\d{3} 2\.0\.0/), /^250 /m);
      sub.send('QUIT\r\n');
      sub.close();

      const imap = await Talk.open(s.ports.imap);
      await imap.until(/^\* OK /);
      imap.send('a1 LOGIN alice@example.test correct-horse-9\r\n');
      await imap.until(/^a1 OK /);
      imap.send('a2 SELECT INBOX\r\n');
      const selected = await imap.until(/^a2 /);
      assert.match(selected, /^\* 2 EXISTS$/m);
      assert.match(selected, /^a2 OK \[READ-WRITE\]/m);
      imap.send('a3 UID FETCH 1:* (FLAGS ENVELOPE)\r\n');
      const listing = await imap.until(/^a3 /);
      assert.match(listing, /"across the wire"/);
      assert.match(listing, /"note to self"/);
      imap.send('a4 LOGOUT\r\n');
      await imap.until(/^a4 OK/);
      imap.close();

      const pop = await Talk.open(s.ports.pop3);
      await pop.until(/^\+OK /);
      pop.send('USER alice@example.test\r\nPASS correct-horse-9\r\n');
      await pop.until(/^\+OK /);
      await pop.until(/^\+OK /);
      pop.send('STAT\r\n');
      const stat = /^\+OK (\d+) (\d+)/.exec(await pop.until(/^\+OK /))!;
      assert.equal(stat[1], '2');
      pop.send('RETR 1\r\n');
      const first = await pop.until(/^\.$/);
      assert.match(first, /^Return-Path: <bob@remote\.test>$/m);
      assert.match(first, /^Received: from /m);
      assert.ok(first.includes('first line\r\n..a dotted line\r\n.'), 'dot-stuffed on the wire exactly as sent');
      pop.send('RETR 2\r\n');
      const second = await pop.until(/^\.$/);
      assert.match(second, /^Message-ID: </m, 'submission adds a Message-ID');
      assert.match(second, /^Date: /m, 'submission adds a Date');
      assert.match(second, /remember the milk/);
      pop.send('QUIT\r\n');
      await pop.until(/^\+OK /);
      pop.close();
    } finally {
      assert.equal(await s.stop('SIGTERM'), 0, 'SIGTERM stops cleanly with exit 0');
    }
  } finally {
    data.remove();
  }
});
