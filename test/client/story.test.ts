/**
 * Issue 7 "Done when", against Dovecot + Postfix: configure an account, send a message with
 * two attachments (one with a non-ASCII name), see it in `mail list`, read it, save both
 * attachments byte-identical, flag and delete offline, sync — and see the server agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { posthorn } from './cli.js';
import { anchorsUp, DOVECOT_IMAP, freshHome, POSTFIX, sleep, token } from './anchors.js';

const USER = 'user81';

async function waitFor(args: string[], want: number): Promise<Array<{ n: number; flags: string[]; attachment: boolean; subject: string }>> {
  for (let i = 0; i < 50; i++) {
    const r = await posthorn(['--json', ...args]);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{ n: number; flags: string[]; attachment: boolean; subject: string }>;
    if (rows.length >= want) return rows;
    await sleep(200); // Postfix delivers in the background
  }
  assert.fail(`no delivery of ${args.join(' ')}`);
}

test('done-when story: send with two attachments, list, read, save, flag and delete offline, sync', async (t) => {
  if (!(await anchorsUp())) return t.skip('Dovecot/Postfix not running');
  const home = freshHome();
  t.after(home.cleanup);
  const tok = token();
  const files = join(home.dir, 'files');
  mkdirSync(files);
  const pdf = join(files, 'report.pdf');
  const txt = join(files, 'Grüße für Zoë.txt');
  writeFileSync(pdf, randomBytes(70_000));
  writeFileSync(txt, 'Zeile eins\r\nZeile zwei, ohne Zeilenende am Schluss');
  writeFileSync(join(files, 'body.txt'), `Hallo,\n\nanbei zwei Dateien. ${tok}\n`);

  // a newcomer configures an account; the password comes from stdin and is never shown
  let r = await posthorn(['account', 'add', 'me', '--address', `${USER}@test`, '--user', USER, '--smtp', POSTFIX, '--imap', DOVECOT_IMAP, '--password-stdin'], { stdin: 'pass\n' });
  assert.equal(r.code, 0, r.stderr);
  const accounts = join(process.env.XDG_CONFIG_HOME as string, 'posthorn', 'accounts.toml');
  assert.equal(statSync(accounts).mode & 0o777, 0o600);
  r = await posthorn(['account', 'list']);
  assert.match(r.stdout, /me\s+user81@test/);
  assert.doesNotMatch(r.stdout, /pass\b(?!word)/);

  // send: two attachments, a non-ASCII subject
  r = await posthorn(['send', '--account', 'me', '--to', `${USER}@test`, '--subject', `Bericht ${tok} – Grüße`, '--body', join(files, 'body.txt'), '--attach', pdf, '--attach', txt]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /accepted user81@test: 250/);

  // list: it is there, with the attachment marker, unread
  const [row] = await waitFor(['mail', 'list', '--account', 'me', '--search', tok], 1);
  assert.equal(row.subject, `Bericht ${tok} – Grüße`);
  assert.equal(row.attachment, true);
  assert.ok(!row.flags.includes('\\Seen'));
  r = await posthorn(['mail', 'list', '--account', 'me', '--search', tok]);
  assert.match(r.stdout, new RegExp(`${row.n} N .*Bericht ${tok}.* @\\n`));

  // read: decoded headers, the text, the attachment list
  r = await posthorn(['mail', 'read', '--account', 'me', String(row.n)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`Subject: Bericht ${tok} – Grüße`));
  assert.match(r.stdout, /anbei zwei Dateien/);
  assert.match(r.stdout, /report\.pdf\s+application\/pdf/);
  assert.match(r.stdout, /Grüße für Zoë\.txt\s+text\/plain/);

  // save: byte-identical files, and no overwriting without --force
  const out = join(home.dir, 'saved');
  r = await posthorn(['mail', 'save-attachments', '--account', 'me', String(row.n), out]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readFileSync(join(out, 'report.pdf')), readFileSync(pdf));
  assert.deepEqual(readFileSync(join(out, 'Grüße für Zoë.txt')), readFileSync(txt));
  r = await posthorn(['mail', 'save-attachments', '--account', 'me', String(row.n), out]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--force/);

  // a second message to delete; then sync, and go offline
  r = await posthorn(['send', '--account', 'me', '--to', `${USER}@test`, '--subject', `Zweite ${tok}`, '--body', join(files, 'body.txt')]);
  assert.equal(r.code, 0, r.stderr);
  const rows = await waitFor(['mail', 'list', '--account', 'me', '--search', tok], 2);
  const second = rows.find((x) => x.subject.startsWith('Zweite')) ?? assert.fail('second message');
  r = await posthorn(['mail', 'sync', '--account', 'me']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /INBOX: \d+ new/);

  r = await posthorn(['mail', 'flag', '--offline', '--account', 'me', String(row.n), '--set', 'flagged']);
  assert.equal(r.code, 0, r.stderr);
  r = await posthorn(['mail', 'delete', '--offline', '--account', 'me', String(second.n)]);
  assert.equal(r.code, 0, r.stderr);
  // offline reading works with no network: the cache has it, flagged, the other one gone
  const offline = JSON.parse((await posthorn(['--json', 'mail', 'list', '--offline', '--account', 'me', '--search', tok])).stdout) as typeof rows;
  assert.deepEqual(offline.map((x) => x.n), [row.n]);
  assert.ok(offline[0].flags.includes('\\Flagged'));
  r = await posthorn(['mail', 'read', '--offline', '--account', 'me', String(row.n)]);
  assert.match(r.stdout, /anbei zwei Dateien/);

  // the server does not know yet
  let online = await waitFor(['mail', 'list', '--account', 'me', '--search', tok], 2);
  assert.equal(online.length, 2);

  // sync sends both changes
  r = await posthorn(['mail', 'sync', '--account', 'me']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /1 flag changes sent, 1 deleted/);
  online = await waitFor(['mail', 'list', '--account', 'me', '--search', tok], 1);
  assert.deepEqual(online.map((x) => x.n), [row.n]);
  assert.ok(online[0].flags.includes('\\Flagged'));

  // a second sync has nothing to do
  r = await posthorn(['mail', 'sync', '--account', 'me']);
  assert.match(r.stdout, /INBOX: 0 new, 0 removed here, 0 flag changes from the server, 0 flag changes sent, 0 deleted/);

  // clean up what this test left on the shared server
  r = await posthorn(['mail', 'delete', '--account', 'me', String(row.n)]);
  assert.equal(r.code, 0, r.stderr);
});
