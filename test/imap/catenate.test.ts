/**
 * CATENATE (RFC 4469) over the wire, on SQLite and PostgreSQL: TEXT and URL parts joined,
 * sections and partial ranges, [BADURL] for a URL naming a missing message, a wrong
 * UIDVALIDITY or another user's mailbox, [TRYCREATE] before URLs are looked at, [TOOBIG]
 * past APPENDLIMIT, and MULTIAPPEND of several catenated messages in one command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectLines } from './support/harness.js';
import { onEachStore } from './support/stores.js';

const MSG = 'From: a@example.test\r\nSubject: one\r\n\r\nHello body\r\n';

function lit(s: string): string {
  return `{${Buffer.byteLength(s)}+}\r\n${s}`;
}

test('CATENATE joins text and URL parts; bad URLs get [BADURL]', (t) => onEachStore(t, async (s) => {
  const uid = await s.deliver(MSG);
  const c = await s.connect();
  const caps = await c.ok('CAPABILITY');
  assert.match(caps[0], / CATENATE /);
  await c.ok('CREATE Out');
  const box = await s.store.mail.getMailbox(s.account.id, 'INBOX');
  const uv = box?.uidValidity;
  expectLines(await c.send(`APPEND Out CATENATE (URL "/INBOX;UIDVALIDITY=${uv}/;UID=${uid}/;SECTION=HEADER" TEXT ${lit('New body\r\n')})`), [/^t\d+ OK \[APPENDUID \d+ 1\]/]);
  expectLines(await c.send(`APPEND Out (\\Seen) CATENATE (TEXT ${lit('X: 1\r\n\r\n')} URL "/INBOX/;UID=${uid}/;SECTION=TEXT" URL "/INBOX/;UID=${uid}/;PARTIAL=6.4")`), [/^t\d+ OK/]);
  await c.ok('SELECT Out');
  expectLines(await c.send('FETCH 1:2 (FLAGS BODY.PEEK[])'), [
    /^\* 1 FETCH \(FLAGS \(\\Recent\) BODY\[\] \{\d+\}\r\nFrom: a@example.test\r\nSubject: one\r\n\r\nNew body\r\n\)$/,
    /^\* 2 FETCH \(FLAGS \(\\Recent \\Seen\) BODY\[\] \{\d+\}\r\nX: 1\r\n\r\nHello body\r\na@ex\)$/,
  ]);
  // A missing message, a wrong UIDVALIDITY, a missing section, a forged absolute URL of someone else.
  for (const url of [`/INBOX/;UID=${uid + 40}`, `/INBOX;UIDVALIDITY=${(uv ?? 0) + 1}/;UID=${uid}`, `/INBOX/;UID=${uid}/;SECTION=4.2`, `imap://mallory@example.test/INBOX/;UID=${uid}`, 'not a url']) {
    const lines = await c.send(`APPEND Out CATENATE (TEXT ${lit('A: b\r\n\r\n')} URL "${url}")`);
    assert.equal(lines[lines.length - 1].replace(/^\S+ /, ''), `NO [BADURL ${url}] Cannot use URL ${url}`);
  }
  // The target mailbox is checked first (RFC 4469 §5: TRYCREATE even with a bad URL).
  expectLines(await c.send('APPEND Nowhere CATENATE (URL "/INBOX/;UID=999")'), [/^t\d+ NO \[TRYCREATE\]/]);
  // Syntax errors are BAD.
  expectLines(await c.send('APPEND Out CATENATE (BOGUS "x")'), [/^t\d+ BAD/]);
  expectLines(await c.send('APPEND Out CATENATE ()'), [/^t\d+ BAD/]);
  // MULTIAPPEND with CATENATE: both or neither.
  expectLines(await c.send(`APPEND Out CATENATE (URL "/INBOX/;UID=${uid}") CATENATE (URL "/INBOX/;UID=${uid + 9}")`), [/^t\d+ NO \[BADURL/]);
  expectLines(await c.send(`APPEND Out CATENATE (URL "/INBOX/;UID=${uid}") ${lit('Subject: plain\r\n\r\nx\r\n')}`), [/^\* 4 EXISTS$/, /^t\d+ OK \[APPENDUID \d+ 3:4\]/]);
}));

test('CATENATE past APPENDLIMIT is refused with [TOOBIG] before it is stored', async (t) => {
  const { startTestServer } = await import('./support/harness.js');
  const s = await startTestServer({ server: { appendLimit: 100 } });
  try {
    const uid = await s.deliver(`Subject: big\r\n\r\n${'x'.repeat(80)}\r\n`);
    const c = await s.connect();
    expectLines(await c.send(`APPEND INBOX CATENATE (URL "/INBOX/;UID=${uid}" TEXT ${lit('y'.repeat(40))})`), [/^t\d+ NO \[TOOBIG\]/]);
    const st = await c.ok('STATUS INBOX (MESSAGES)');
    assert.match(st[0], /MESSAGES 1\)/);
    t.diagnostic('TOOBIG checked');
  } finally {
    await s.close();
  }
});
