/** Real clients against the server: imapflow (npm) and Python's imaplib. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { ImapFlow } from 'imapflow';
import { PASS, startTestServer, USER } from './support/harness.js';

const MSG = 'From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: Lunch\r\nMessage-ID: <lunch@example.test>\r\n\r\nAt noon?\r\n';

test('imapflow: login, list, append, fetch, flags, search, move, IDLE notification, logout', async () => {
  const t = await startTestServer();
  const client = new ImapFlow({ host: '127.0.0.1', port: t.port, secure: false, auth: { user: USER, pass: PASS }, logger: false, doSTARTTLS: false });
  try {
    await client.connect();
    await client.mailboxCreate('Projects');
    const boxes = await client.list();
    assert.deepEqual(boxes.map((b) => b.path).sort(), ['Archive', 'Drafts', 'INBOX', 'Junk', 'Projects', 'Sent', 'Trash']);
    assert.equal(boxes.find((b) => b.path === 'Sent')?.specialUse, '\\Sent');
    const appended = await client.append('INBOX', MSG, ['\\Flagged']);
    assert.ok(appended && appended.uid === 1);
    const lock = await client.getMailboxLock('INBOX');
    try {
      const msg = await client.fetchOne('1', { envelope: true, flags: true, source: true, uid: true, bodyStructure: true });
      assert.ok(msg);
      assert.equal(msg.envelope?.subject, 'Lunch');
      assert.equal(msg.envelope?.from?.[0]?.address, 'bob@example.test');
      assert.equal(msg.source?.toString(), MSG);
      assert.ok(msg.flags?.has('\\Flagged'));
      await client.messageFlagsAdd('1', ['\\Seen']);
      assert.deepEqual(await client.search({ seen: true }), [1]);
      assert.deepEqual(await client.search({ subject: 'lunch' }, { uid: true }), [1]);
      const exists = new Promise<number>((resolve) => client.on('exists', (d: { count: number }) => resolve(d.count)));
      await t.deliver('Subject: second\r\n\r\nx\r\n');
      await client.noop();
      assert.equal(await exists, 2);
      const moved = await client.messageMove('1', 'Projects');
      assert.ok(moved);
      assert.equal(client.mailbox && client.mailbox.exists, 1);
    } finally {
      lock.release();
    }
    const st = await client.status('Projects', { messages: true, unseen: true });
    assert.ok(st);
    assert.equal(st.messages, 1);
    assert.equal(st.unseen, 0);
    await client.logout();
  } finally {
    client.close();
    await t.close();
  }
});

test('Python imaplib: login, select, append, fetch, store, search, expunge, logout', async () => {
  const t = await startTestServer();
  try {
    const script = `
import imaplib, sys
m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
m.login(sys.argv[2], sys.argv[3])
typ, _ = m.append('INBOX', '(\\\\Seen)', None, b'Subject: py\\r\\n\\r\\nhello from python\\r\\n')
assert typ == 'OK', typ
typ, data = m.select('INBOX')
assert typ == 'OK' and data == [b'1'], data
typ, data = m.fetch('1', '(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)] RFC822.SIZE)')
assert typ == 'OK', data
assert b'Subject: py' in data[0][1], data
typ, data = m.search(None, 'TEXT', 'python')
assert data == [b'1'], data
typ, data = m.store('1', '+FLAGS', '(\\\\Deleted)')
assert typ == 'OK', data
typ, data = m.expunge()
assert data == [b'1'], data
typ, data = m.list()
assert typ == 'OK' and any(b'INBOX' in d for d in data), data
m.logout()
print('ok')
`;
    // Asynchronously: the server runs in this process.
    const out = await new Promise<string>((resolve, reject) => {
      execFile('python3', ['-c', script, String(t.port), USER, PASS], { timeout: 20000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`${err.message}\n${stderr}${stdout}`));
        else resolve(stdout);
      });
    });
    assert.match(out, /ok/);
  } finally {
    await t.close();
  }
});
