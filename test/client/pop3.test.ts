/**
 * `posthorn mail` over POP3 against Dovecot: list, read, save and delete as POP3 allows,
 * `sync --keep` downloading only new mail by UIDL, and `sync` without --keep moving mail
 * from the server into the local cache.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { posthorn } from './cli.js';
import { anchorsUp, DOVECOT_POP3, freshHome, token } from './anchors.js';
import { astring, ImapClient } from '../../src/client/imap.js';
import { append, expunge, search, select } from '../../src/client/imap-mailbox.js';

const USER = 'user83';
const spec = { host: '127.0.0.1', port: 10143, security: 'auto' as const, insecure: false, user: USER, password: async () => 'pass', timeoutMs: 5000 };
const msg = (subject: string) => Buffer.from(`From: Zoë <z@example.com>\r\nTo: ${USER}@test\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nSch=C3=B6ne Gr=C3=BC=C3=9Fe\r\n.a line with a dot\r\n`);

test('POP3: list, read, sync --keep twice, delete; sync without --keep empties the server', async (t) => {
  if (!(await anchorsUp())) return t.skip('Dovecot not running');
  const home = freshHome();
  t.after(home.cleanup);
  const tok = token();
  const imap = await ImapClient.connect(spec);
  t.after(() => imap.logout());
  await select(imap, 'INBOX'); // user83 is this test's own mailbox: start empty
  const old = await search(imap, ['ALL']);
  if (old.length) await expunge(imap, old);
  await append(imap, 'INBOX', [], msg(`one ${tok}`));
  await append(imap, 'INBOX', [], msg(`two ${tok}`));
  let r = await posthorn(['account', 'add', 'pop', '--address', `${USER}@test`, '--user', USER, '--pop3', DOVECOT_POP3, '--password-env', 'MY_POP_PW']);
  assert.equal(r.code, 0, r.stderr);
  process.env.MY_POP_PW = 'pass';
  t.after(() => delete process.env.MY_POP_PW);

  const rows = JSON.parse((await posthorn(['--json', 'mail', 'list', '--account', 'pop', '--search', tok])).stdout) as Array<{ n: number; subject: string; from: string }>;
  assert.deepEqual(rows.map((x) => x.subject), [`one ${tok}`, `two ${tok}`]);
  assert.equal(rows[0].from, 'Zoë <z@example.com>');

  r = await posthorn(['mail', 'read', '--account', 'pop', String(rows[0].n)]);
  assert.match(r.stdout, /Schöne Grüße\n\.a line with a dot/);
  r = await posthorn(['mail', 'read', '--raw', '--account', 'pop', String(rows[0].n)]);
  assert.equal(r.stdout, msg(`one ${tok}`).toString('utf8'));

  r = await posthorn(['mail', 'flag', '--account', 'pop', String(rows[0].n)]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /POP3 has no flags/);

  r = await posthorn(['mail', 'sync', '--keep', '--account', 'pop']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /INBOX: 2 new/);
  r = await posthorn(['mail', 'sync', '--keep', '--account', 'pop']);
  assert.match(r.stdout, /INBOX: 0 new/);
  const cached = JSON.parse((await posthorn(['--json', 'mail', 'list', '--offline', '--account', 'pop', '--search', tok])).stdout) as typeof rows;
  assert.deepEqual(cached.map((x) => x.subject), [`one ${tok}`, `two ${tok}`]);

  // delete over POP3: gone from the server after QUIT
  r = await posthorn(['mail', 'delete', '--account', 'pop', String(rows[0].n)]);
  assert.equal(r.code, 0, r.stderr);
  await select(imap, 'INBOX');
  assert.equal((await search(imap, ['SUBJECT', astring(`one ${tok}`)])).length, 0);
  assert.equal((await search(imap, ['SUBJECT', astring(`two ${tok}`)])).length, 1);

  // without --keep: downloaded, then removed from the server
  await append(imap, 'INBOX', [], msg(`three ${tok}`));
  r = await posthorn(['mail', 'sync', '--account', 'pop']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /INBOX: 1 new, .* 2 deleted/); // "three" is new; "two", kept by --keep, leaves too
  await select(imap, 'INBOX');
  assert.deepEqual(await search(imap, ['ALL']), []);
  const all = JSON.parse((await posthorn(['--json', 'mail', 'list', '--offline', '--account', 'pop', '--search', tok])).stdout) as typeof rows;
  assert.deepEqual(all.map((x) => x.subject).sort(), [`one ${tok}`, `three ${tok}`, `two ${tok}`]);
});
