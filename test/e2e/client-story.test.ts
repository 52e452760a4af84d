/**
 * Issue 7 "Done when", against Posthorn itself (`posthorn serve`): configure an account,
 * send a message with two attachments (one with a non-ASCII name) through submission, see it
 * in `mail list` over IMAP, read it, save both attachments byte-identical, flag and delete
 * offline, sync, and see the server agree. The same story runs against Dovecot + Postfix in
 * test/client/story.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { posthorn as client } from '../client/cli.js';
import { freshHome } from '../client/anchors.js';
import { posthorn, serve, tempData } from './support.js';

type Row = { n: number; flags: string[]; attachment: boolean; subject: string };

async function list(args: string[], want: number): Promise<Row[]> {
  for (let i = 0; i < 50; i++) {
    const r = await client(['--json', 'mail', 'list', '--account', 'me', ...args]);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Row[];
    if (rows.length >= want) return rows;
    await new Promise((res) => setTimeout(res, 200));
  }
  assert.fail(`fewer than ${want} messages listed`);
}

test('the mail client story against posthorn serve', async (t) => {
  const data = tempData();
  const home = freshHome();
  t.after(() => { home.cleanup(); data.remove(); });
  assert.equal(posthorn(data.dir, ['domain', 'add', 'example.test']).status, 0);
  assert.equal(posthorn(data.dir, ['user', 'add', 'zoe@example.test', '--password-stdin'], 'correct-horse-9\n').status, 0);
  const s = await serve(data.dir, ['submission', 'imap']);
  t.after(() => s.stop());

  const files = join(home.dir, 'files');
  mkdirSync(files);
  const pdf = join(files, 'report.pdf');
  const txt = join(files, 'Grüße für Zoë.txt');
  writeFileSync(pdf, randomBytes(70_000));
  writeFileSync(txt, 'Zeile eins\r\nZeile zwei');
  writeFileSync(join(files, 'body.txt'), 'Hallo,\n\nanbei zwei Dateien.\n');

  // the quick start's certificate is self-signed: --insecure accepts it, as a newcomer would
  let r = await client(['account', 'add', 'me', '--address', 'zoe@example.test', '--smtp', `127.0.0.1:${s.ports.submission}`,
    '--imap', `127.0.0.1:${s.ports.imap}`, '--starttls', '--insecure', '--password-stdin'], { stdin: 'correct-horse-9\n' });
  assert.equal(r.code, 0, r.stderr);

  r = await client(['send', '--account', 'me', '--to', 'zoe@example.test', '--subject', 'Bericht – Grüße', '--body', join(files, 'body.txt'), '--attach', pdf, '--attach', txt]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /accepted zoe@example\.test: 250/);

  const [row] = await list([], 1);
  assert.equal(row.subject, 'Bericht – Grüße');
  assert.equal(row.attachment, true);

  r = await client(['mail', 'read', '--account', 'me', String(row.n)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /anbei zwei Dateien/);
  assert.match(r.stdout, /Grüße für Zoë\.txt/);

  const out = join(home.dir, 'saved');
  r = await client(['mail', 'save-attachments', '--account', 'me', String(row.n), out]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readFileSync(join(out, 'report.pdf')), readFileSync(pdf));
  assert.deepEqual(readFileSync(join(out, 'Grüße für Zoë.txt')), readFileSync(txt));

  r = await client(['send', '--account', 'me', '--to', 'zoe@example.test', '--subject', 'Zweite', '--body', join(files, 'body.txt')]);
  assert.equal(r.code, 0, r.stderr);
  const rows = await list([], 2);
  const second = rows.find((x) => x.subject === 'Zweite') ?? assert.fail('second message');
  r = await client(['mail', 'sync', '--account', 'me']);
  assert.equal(r.code, 0, r.stderr);

  r = await client(['mail', 'flag', '--offline', '--account', 'me', String(row.n), '--set', 'flagged']);
  assert.equal(r.code, 0, r.stderr);
  r = await client(['mail', 'delete', '--offline', '--account', 'me', String(second.n)]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await list([], 2)).length, 2, 'the server does not know yet');

  r = await client(['mail', 'sync', '--account', 'me']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /1 flag changes sent, 1 deleted/);
  const after = await list([], 1);
  assert.deepEqual(after.map((x) => x.n), [row.n]);
  assert.ok(after[0].flags.includes('\\Flagged'));
  r = await client(['mail', 'sync', '--account', 'me']);
  assert.match(r.stdout, /INBOX: 0 new, 0 removed here, 0 flag changes from the server, 0 flag changes sent, 0 deleted/);
});
