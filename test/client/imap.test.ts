/**
 * `posthorn mail` over IMAP against Dovecot, in a folder of its own: exact bytes with --raw,
 * HTML-only and uuencoded mail, folders, move, flags online, and sync picking up changes made
 * on the server (flags, expunges) with CONDSTORE/QRESYNC and with a full flag comparison.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { posthorn } from './cli.js';
import { anchorsUp, DOVECOT_IMAP, freshHome, token } from './anchors.js';
import { astring, ImapClient } from '../../src/client/imap.js';
import { append, enableSync, expunge, search, select, store } from '../../src/client/imap-mailbox.js';
import { syncFolder } from '../../src/client/sync.js';
import { FolderCache } from '../../src/client/cache.js';

const USER = 'user84';
const spec = { host: '127.0.0.1', port: 10143, security: 'auto' as const, insecure: false, user: USER, password: async () => 'pass', timeoutMs: 5000 };

const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'utf8');
const html = (tok: string) => crlf(`From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.com>\nTo: ${USER}@test\nSubject: html ${tok}\nMIME-Version: 1.0\nContent-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n<html><body><p>Gr=FC=DFe aus <b>K=F6ln</b></p><script>x()</script></body></html>\n`);
const uu = (tok: string) => crlf(`From: old@example.com\nTo: ${USER}@test\nSubject: uu ${tok}\n\nHere is the file:\n\nbegin 644 cat.txt\n#8V%T\n\`\nend\n\nbye\n`);

test('IMAP: read --raw, HTML-only, uuencode, folders, move, flag, sync both ways', async (t) => {
  if (!(await anchorsUp())) return t.skip('Dovecot not running');
  const home = freshHome();
  t.after(home.cleanup);
  const tok = token();
  const folder = `ph-${tok}`;
  const other = `ph-${tok}-archive`;
  const c = await ImapClient.connect(spec);
  t.after(async () => {
    await c.run(['DELETE', c.mailbox(folder)]).catch(() => undefined);
    await c.run(['DELETE', c.mailbox(other)]).catch(() => undefined);
    await c.logout();
  });
  await c.run(['CREATE', c.mailbox(folder)]);
  await c.run(['CREATE', c.mailbox(other)]);
  await append(c, folder, [], html(tok));
  await append(c, folder, ['\\Seen'], uu(tok));
  const a = ['--imap', DOVECOT_IMAP, '--user', USER, '--folder', folder];
  process.env.POSTHORN_PASSWORD = 'pass';
  t.after(() => delete process.env.POSTHORN_PASSWORD);

  const list = JSON.parse((await posthorn(['--json', 'mail', 'list', ...a])).stdout) as Array<{ n: number; subject: string; from: string; flags: string[] }>;
  assert.deepEqual(list.map((m) => m.subject), [`html ${tok}`, `uu ${tok}`]);
  assert.equal(list[0].from, 'Jürgen <j@example.com>');
  const [h, u] = list.map((m) => String(m.n));

  let r = await posthorn(['mail', 'read', '--raw', ...a, h]);
  assert.equal(r.stdout, html(tok).toString('utf8'));
  r = await posthorn(['mail', 'read', ...a, h]);
  assert.match(r.stdout, /Grüße aus Köln/);
  assert.doesNotMatch(r.stdout, /<b>|x\(\)/);
  r = await posthorn(['mail', 'read', ...a, u]);
  assert.match(r.stdout, /Here is the file:/);
  assert.match(r.stdout, /cat\.txt/);

  const out = join(home.dir, 'uu');
  r = await posthorn(['mail', 'save-attachments', ...a, u, out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(out, 'cat.txt'), 'utf8'), 'cat');

  r = await posthorn(['mail', 'folders', '--imap', DOVECOT_IMAP, '--user', USER]);
  assert.match(r.stdout, new RegExp(`^${folder}$`, 'm'));

  r = await posthorn(['mail', 'read', ...a, '99999']);
  assert.equal(r.code, 9);
  assert.match(r.stderr, /no message 99999/);

  // sync, then change things on the server behind the cache's back
  r = await posthorn(['mail', 'sync', ...a]);
  assert.match(r.stdout, new RegExp(`${folder}: 2 new`));
  await select(c, folder);
  await store(c, [Number(h)], '+', ['\\Flagged', '$Work']);
  r = await posthorn(['mail', 'sync', ...a]);
  assert.match(r.stdout, /1 flag changes from the server/);
  const cached = JSON.parse((await posthorn(['--json', 'mail', 'list', '--offline', ...a])).stdout) as typeof list;
  assert.deepEqual(cached.find((m) => String(m.n) === h)?.flags.sort(), ['$Work', '\\Flagged', '\\Seen']);

  // move offline, sync: the server has it in the other folder
  r = await posthorn(['mail', 'move', '--offline', ...a, u, '--to', other]);
  assert.equal(r.code, 0, r.stderr);
  r = await posthorn(['mail', 'sync', ...a]);
  assert.match(r.stdout, /1 moved on the server/);
  await select(c, other);
  assert.equal((await search(c, ['ALL'])).length, 1);

  // flag online, then clear it
  r = await posthorn(['mail', 'flag', ...a, h, '--clear', 'flagged', '--set', 'answered']);
  assert.equal(r.code, 0, r.stderr);
  const now = JSON.parse((await posthorn(['--json', 'mail', 'list', ...a])).stdout) as typeof list;
  assert.deepEqual(now.map((m) => m.flags.filter((f) => f !== '\\Recent').sort()), [['$Work', '\\Answered', '\\Seen']]);
});

test('sync without CONDSTORE (full flag comparison) sees server expunges and flag changes', async (t) => {
  if (!(await anchorsUp())) return t.skip('Dovecot not running');
  const home = freshHome();
  t.after(home.cleanup);
  const tok = token();
  const folder = `ph-${tok}`;
  const c = await ImapClient.connect(spec);
  t.after(async () => {
    await c.run(['DELETE', c.mailbox(folder)]).catch(() => undefined);
    await c.logout();
  });
  await c.run(['CREATE', c.mailbox(folder)]);
  for (let i = 0; i < 4; i++) await append(c, folder, [], crlf(`Subject: m${i} ${tok}\n\nbody ${i}\n`));
  const s = await ImapClient.connect(spec);
  t.after(() => s.logout());
  for (const mode of ['none', 'condstore', 'qresync'] as const) {
    const account = `acct-${mode}`;
    const m = mode === 'qresync' ? await enableSync(s) : mode;
    let st = await syncFolder(s, account, folder, m);
    assert.equal(st.downloaded, 4 - (mode === 'none' ? 0 : mode === 'condstore' ? 1 : 2));
    // on the server: flag the first, expunge the last
    await select(c, folder);
    const uids = await search(c, ['ALL']);
    await store(c, [uids[0]], '+', [`$Round_${mode}`]);
    await store(c, [uids[uids.length - 1]], '+', ['\\Deleted']);
    await c.run(['EXPUNGE']);
    st = await syncFolder(s, account, folder, m);
    assert.equal(st.flagsFromServer, 1, `${mode}: flags`);
    assert.equal(st.removedHere, 1, `${mode}: expunge`);
    const cache = new FolderCache(account, folder);
    assert.deepEqual(cache.all().map((x) => x.uid), uids.slice(0, -1));
    assert.ok(cache.get(uids[0])?.flags.includes(`$Round_${mode}`));
    // nothing changed: nothing to do
    st = await syncFolder(s, account, folder, m);
    assert.deepEqual([st.downloaded, st.flagsFromServer, st.removedHere, st.flagsToServer], [0, 0, 0, 0]);
  }
});

test('a new UIDVALIDITY discards the cache; an unreachable server falls back to the cache; sync sends the outbox', async (t) => {
  if (!(await anchorsUp())) return t.skip('Dovecot not running');
  const home = freshHome();
  t.after(home.cleanup);
  const tok = token();
  const folder = `ph-${tok}`;
  const c = await ImapClient.connect(spec);
  t.after(async () => {
    await c.run(['DELETE', c.mailbox(folder)]).catch(() => undefined);
    await c.logout();
  });
  await c.run(['CREATE', c.mailbox(folder)]);
  await append(c, folder, [], crlf(`Subject: old ${tok}\n\nold\n`));
  process.env.POSTHORN_PASSWORD = 'pass';
  t.after(() => delete process.env.POSTHORN_PASSWORD);
  let r = await posthorn(['account', 'add', 'a', '--address', `${USER}@test`, '--user', USER, '--imap', DOVECOT_IMAP, '--smtp', '127.0.0.1:10025']);
  assert.equal(r.code, 0, r.stderr);
  r = await posthorn(['mail', 'sync', '--account', 'a', '--folder', folder]);
  assert.match(r.stdout, /1 new/);

  // the folder is made anew: same name, new UIDVALIDITY (RFC 3501 §2.3.1.1)
  await c.run(['DELETE', c.mailbox(folder)]);
  await c.run(['CREATE', c.mailbox(folder)]);
  await append(c, folder, [], crlf(`Subject: new ${tok}\n\nnew\n`));
  r = await posthorn(['mail', 'sync', '--account', 'a', '--folder', folder]);
  assert.match(r.stdout, /1 new/);
  let rows = JSON.parse((await posthorn(['--json', 'mail', 'list', '--offline', '--account', 'a', '--folder', folder])).stdout) as Array<{ subject: string }>;
  assert.deepEqual(rows.map((x) => x.subject), [`new ${tok}`]);

  // the server goes away: reading falls back to the cache, saying so
  r = await posthorn(['account', 'add', 'a', '--address', `${USER}@test`, '--user', USER, '--imap', '127.0.0.1:9', '--smtp', '127.0.0.1:9']);
  r = await posthorn(['--json', 'mail', 'list', '--account', 'a', '--folder', folder]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /connection refused by 127\.0\.0\.1:9[\s\S]*working offline/);
  rows = JSON.parse(r.stdout) as typeof rows;
  assert.deepEqual(rows.map((x) => x.subject), [`new ${tok}`]);
  r = await posthorn(['send', '--account', 'a', '--to', `${USER}@test`, '--subject', `queued ${tok}`, '--body', '-'], { stdin: 'later\n' });
  assert.equal(r.code, 75);

  // back again: sync sends what waited in the outbox
  r = await posthorn(['account', 'add', 'a', '--address', `${USER}@test`, '--user', USER, '--imap', DOVECOT_IMAP, '--smtp', '127.0.0.1:10025']);
  r = await posthorn(['mail', 'sync', '--account', 'a', '--folder', folder]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /sent \S+ to user84@test/);
  await select(c, 'INBOX');
  for (let i = 0; i < 50; i++) {
    const found = await search(c, ['SUBJECT', astring(`queued ${tok}`)]);
    if (found.length) return void (await expunge(c, found));
    await new Promise((res) => setTimeout(res, 200));
    await c.run(['NOOP']);
  }
  assert.fail('the queued message was not delivered');
});
