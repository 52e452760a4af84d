/**
 * Where mail on port 25 lands once the INBOX has been renamed over IMAP, and once the
 * account was removed and made anew by the CLI while `posthorn serve` runs: delivery
 * remembers each account's INBOX id (src/mail/deliver.ts), and these are the two ways that
 * memo could go wrong. RFC 3501 §6.3.5: renaming INBOX moves its messages; INBOX stays.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mxSend, posthorn, serve, tempData, Talk } from './support.js';

async function deliver(port: number, subject: string): Promise<void> {
  const r = await mxSend(port, 'alice@example.test', `From: bob@remote.test\r\nTo: alice@example.test\r\nSubject: ${subject}\r\n\r\nbody\r\n`);
  assert.match(r.rcpt, /^250 /m);
  assert.match(r.data ?? '', /^250 2\.0\.0 /m);
}

/** The subjects in `mailbox`, in UID order, as alice with `password` sees them over IMAP. */
async function subjects(port: number, password: string, mailbox: string): Promise<string[]> {
  const imap = await Talk.open(port);
  try {
    await imap.until(/^\* OK /);
    imap.send(`a1 LOGIN alice@example.test ${password}\r\n`);
    await imap.until(/^a1 OK /);
    imap.send(`a2 EXAMINE ${mailbox}\r\n`);
    const exists = Number(/^\* (\d+) EXISTS$/m.exec(await imap.until(/^a2 OK /))?.[1]);
    if (exists === 0) return [];
    imap.send('a3 FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n');
    const fetched = await imap.until(/^a3 OK /);
    return [...fetched.matchAll(/^Subject: (.*)$/gm)].map((m) => m[1]);
  } finally {
    imap.send('a9 LOGOUT\r\n');
    imap.close();
  }
}

test('port 25 mail lands in INBOX after RENAME INBOX, and in the new INBOX of an account made anew', async () => {
  const data = tempData();
  try {
    assert.equal(posthorn(data.dir, ['domain', 'add', 'example.test']).status, 0);
    assert.equal(posthorn(data.dir, ['user', 'add', 'alice@example.test', '--password-stdin'], 'correct-horse-9\n').status, 0);
    const s = await serve(data.dir, ['smtp', 'imap']);
    try {
      await deliver(s.ports.smtp, 'first');
      const imap = await Talk.open(s.ports.imap);
      await imap.until(/^\* OK /);
      imap.send('a1 LOGIN alice@example.test correct-horse-9\r\n');
      await imap.until(/^a1 OK /);
      imap.send('a2 RENAME INBOX Old\r\n');
      assert.match(await imap.until(/^a2 /), /^a2 OK /m);
      imap.send('a3 LOGOUT\r\n');
      imap.close();
      await deliver(s.ports.smtp, 'second');
      assert.deepEqual(await subjects(s.ports.imap, 'correct-horse-9', 'Old'), ['first']);
      assert.deepEqual(await subjects(s.ports.imap, 'correct-horse-9', 'INBOX'), ['second']);

      assert.equal(posthorn(data.dir, ['user', 'remove', 'alice@example.test']).status, 0);
      assert.equal(posthorn(data.dir, ['user', 'add', 'alice@example.test', '--password-stdin'], 'battery-staple-7\n').status, 0);
      await deliver(s.ports.smtp, 'third');
      assert.deepEqual(await subjects(s.ports.imap, 'battery-staple-7', 'INBOX'), ['third']);
    } finally {
      await s.stop();
    }
  } finally {
    data.remove();
  }
});
