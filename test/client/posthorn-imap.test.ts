/**
 * The done-when reading story against Posthorn's own IMAP server (in process, port 0, SQLite,
 * through the IMAP engineer's harness): a message with two attachments (one non-ASCII name)
 * is listed, read, its attachments saved byte-identical, flagged and deleted offline, synced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PASS, startTestServer, USER } from '../imap/support/harness.js';
import { compose } from '../../src/client/compose.js';
import { posthorn } from './cli.js';
import { freshHome } from './anchors.js';

test('list, read, save, flag and delete offline, sync against Posthorn IMAP', async (t) => {
  const home = freshHome();
  t.after(home.cleanup);
  const srv = await startTestServer();
  t.after(() => srv.close());
  const pdf = join(home.dir, 'report.pdf');
  const txt = join(home.dir, 'Grüße für Zoë.txt');
  writeFileSync(pdf, randomBytes(20_000));
  writeFileSync(txt, 'zwei Zeilen\r\nohne Ende');
  const one = await compose({ from: 'bob@example.test', to: [USER], cc: [], bcc: [], subject: 'Bericht – Grüße', text: 'anbei zwei Dateien\n', attachments: [pdf, txt] });
  const two = await compose({ from: 'bob@example.test', to: [USER], cc: [], bcc: [], subject: 'Zweite', text: 'weg damit\n', attachments: [] });
  const u1 = await srv.deliver(one.raw.toString('latin1'));
  const u2 = await srv.deliver(two.raw.toString('latin1'));
  process.env.POSTHORN_PASSWORD = PASS;
  t.after(() => delete process.env.POSTHORN_PASSWORD);
  const a = ['--imap', `127.0.0.1:${srv.port}`, '--user', USER, '--insecure'];

  let r = await posthorn(['--json', 'mail', 'list', ...a]);
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as Array<{ n: number; subject: string; attachment: boolean }>;
  assert.deepEqual(rows.map((x) => [x.n, x.subject, x.attachment]), [[u1, 'Bericht – Grüße', true], [u2, 'Zweite', false]]);
  r = await posthorn(['mail', 'read', ...a, String(u1)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /anbei zwei Dateien/);
  assert.match(r.stdout, /Grüße für Zoë\.txt/);
  r = await posthorn(['mail', 'save-attachments', ...a, String(u1), join(home.dir, 'out')]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readFileSync(join(home.dir, 'out', 'report.pdf')), readFileSync(pdf));
  assert.deepEqual(readFileSync(join(home.dir, 'out', 'Grüße für Zoë.txt')), readFileSync(txt));

  r = await posthorn(['mail', 'sync', ...a]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /INBOX: 2 new/);
  r = await posthorn(['mail', 'flag', '--offline', ...a, String(u1)]);
  assert.equal(r.code, 0, r.stderr);
  r = await posthorn(['mail', 'delete', '--offline', ...a, String(u2)]);
  assert.equal(r.code, 0, r.stderr);
  r = await posthorn(['mail', 'sync', ...a]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /1 flag changes sent, 1 deleted/);
  const after = JSON.parse((await posthorn(['--json', 'mail', 'list', ...a])).stdout) as Array<{ n: number; flags: string[] }>;
  assert.deepEqual(after.map((x) => x.n), [u1]);
  assert.ok(after[0].flags.includes('\\Flagged'));
  r = await posthorn(['mail', 'sync', ...a]);
  assert.match(r.stdout, /INBOX: 0 new, 0 removed here, 0 flag changes from the server, 0 flag changes sent, 0 deleted/);
});
