/**
 * The client against Posthorn's own POP3 server (in process, port 0, SQLite in a temp
 * folder, through the POP3 engineer's harness): STLS, login, list, read, save attachments
 * byte-identical, sync --keep, delete.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open.js';
import { addUser, putInInbox, startTestServer } from '../pop3/support/harness.js';
import { compose } from '../../src/client/compose.js';
import { posthorn } from './cli.js';
import { freshHome } from './anchors.js';

test('mail list/read/save-attachments/sync/delete over POP3 against Posthorn', async (t) => {
  const home = freshHome();
  t.after(home.cleanup);
  const dataDir = mkdtempSync(join(tmpdir(), 'posthorn-client-pop3-'));
  const store = await openStore({ url: `sqlite:${join(dataDir, 'posthorn.db')}`, dataDir });
  const srv = await startTestServer(store);
  t.after(async () => {
    await srv.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const acct = await addUser(store, 'anne@example.test');
  const file = join(home.dir, 'Ärger.bin');
  writeFileSync(file, Buffer.from([0, 255, 13, 10, 46, 46, 13, 10, 1]));
  const m = await compose({ from: 'bob@example.test', to: ['anne@example.test'], cc: [], bcc: [], subject: 'Mit Anhang', text: 'Siehe Anhang.\n.\n', attachments: [file] });
  await putInInbox(store, acct, m.raw);

  process.env.POSTHORN_PASSWORD = 'correct horse';
  t.after(() => delete process.env.POSTHORN_PASSWORD);
  const a = ['--pop3', `127.0.0.1:${srv.port}`, '--user', 'anne@example.test', '--insecure'];
  let r = await posthorn(['--json', 'mail', 'list', ...a, '--verbose']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^C: STLS$/m);
  const rows = JSON.parse(r.stdout) as Array<{ n: number; subject: string }>;
  assert.deepEqual(rows.map((x) => x.subject), ['Mit Anhang']);
  r = await posthorn(['mail', 'read', ...a, '1']);
  assert.match(r.stdout, /Siehe Anhang\.\n\.\n/);
  assert.match(r.stdout, /Ärger\.bin/);
  r = await posthorn(['mail', 'save-attachments', ...a, '1', join(home.dir, 'out')]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readFileSync(join(home.dir, 'out', 'Ärger.bin')), readFileSync(file));
  r = await posthorn(['mail', 'sync', '--keep', ...a]);
  assert.match(r.stdout, /INBOX: 1 new/);
  r = await posthorn(['mail', 'sync', '--keep', ...a]);
  assert.match(r.stdout, /INBOX: 0 new/);
  r = await posthorn(['mail', 'delete', ...a, '1']);
  assert.equal(r.code, 0, r.stderr);
  r = await posthorn(['mail', 'list', ...a]);
  assert.match(r.stdout, /no messages in INBOX/);
});
