/** Debian's IMAP clients against the server: mbsync (isync) both ways, curl. Skipped when absent. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASS, startTestServer, USER } from './support/harness.js';

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 30000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} failed: ${err.message}\n${stderr}${stdout}`));
      else resolve(stdout + stderr);
    });
  });
}

test('mbsync: pulls every mailbox into a Maildir, then pushes a new local message back', { skip: !existsSync('/usr/bin/mbsync') && 'mbsync not installed' }, async () => {
  const t = await startTestServer();
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-mbsync-'));
  try {
    await t.deliver('Subject: one\r\n\r\nfirst\r\n');
    await t.deliver('Subject: two\r\n\r\nsecond\r\n', { flags: ['\\Seen'] });
    const conf = join(dir, 'mbsyncrc');
    mkdirSync(join(dir, 'mail'));
    writeFileSync(conf, [
      'IMAPAccount t', 'Host 127.0.0.1', `Port ${t.port}`, `User ${USER}`, `Pass "${PASS}"`, 'SSLType None', 'AuthMechs LOGIN', '',
      'IMAPStore remote', 'Account t', '',
      'MaildirStore local', `Path ${dir}/mail/`, `Inbox ${dir}/mail/INBOX`, 'SubFolders Verbatim', '',
      'Channel c', 'Far :remote:', 'Near :local:', 'Patterns *', 'Create Both', 'Expunge Both', `SyncState ${dir}/state/`, '',
    ].join('\n'));
    mkdirSync(join(dir, 'state'));
    await run('mbsync', ['-c', conf, '-a']);
    const cur = readdirSync(join(dir, 'mail/INBOX/cur'));
    const fresh = readdirSync(join(dir, 'mail/INBOX/new'));
    assert.equal(cur.length + fresh.length, 2);
    assert.ok(cur.some((f) => /,S$/.test(f)), `seen flag synced: ${cur.join(' ')}`);
    assert.ok(existsSync(join(dir, 'mail/Sent')));
    writeFileSync(join(dir, 'mail/INBOX/new', `${Date.now()}.1.local`), 'Subject: from mbsync\r\n\r\nhello\r\n');
    await run('mbsync', ['-c', conf, '-a']);
    const c = await t.connect();
    await c.ok('SELECT INBOX');
    const lines = await c.ok('SEARCH SUBJECT "from mbsync"');
    assert.match(lines.join('\n'), /^\* SEARCH 3$/m);
    assert.match(readFileSync(conf, 'utf8'), /Channel/);
  } finally {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('curl: lists INBOX and fetches a message by UID', { skip: !existsSync('/usr/bin/curl') && 'curl not installed' }, async () => {
  const t = await startTestServer();
  try {
    await t.deliver('Subject: via curl\r\n\r\nbody for curl\r\n');
    const user = `${USER}:${PASS}`;
    const list = await run('curl', ['-s', '-u', user, `imap://127.0.0.1:${t.port}/`]);
    assert.match(list, /LIST .*"INBOX"/);
    const msg = await run('curl', ['-s', '-u', user, `imap://127.0.0.1:${t.port}/INBOX;UID=1`]);
    assert.match(msg, /Subject: via curl\r\n\r\nbody for curl/);
  } finally {
    await t.close();
  }
});
