// Real POP3 clients against the server: Python's poplib (USER/PASS, STLS, POP3_SSL, APOP),
// curl (pop3:// and pop3s://), fetchmail (keep + UIDL, then delete). A missing binary skips
// its test with a plain message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addUser, message, putInInbox, startTestServer } from './support/harness.js';
import { storeKinds } from './support/stores.js';

function have(bin: string): boolean {
  return spawnSync('which', [bin]).status === 0;
}

function run(cmd: string, args: string[], input = '', env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(input);
  });
}

const POPLIB = String.raw`
import json, poplib, ssl, sys
port, tls_port = int(sys.argv[1]), int(sys.argv[2])
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
out = {}
p = poplib.POP3('127.0.0.1', port)
out['capa'] = sorted(p.capa().keys())
p.stls(ctx)
p.user('alice@example.test'); p.pass_('correct horse')
out['stat'] = list(p.stat())
out['list'] = [l.decode() for l in p.list()[1]]
out['uidl'] = [l.decode() for l in p.uidl()[1]]
resp, lines, octets = p.retr(1)
out['retr'] = {'resp': resp.decode(), 'text': '\r\n'.join(l.decode() for l in lines) + '\r\n', 'octets': octets}
out['top'] = [l.decode() for l in p.top(2, 1)[1]]
p.dele(1)
out['quit'] = p.quit().decode()
s = poplib.POP3_SSL('127.0.0.1', tls_port, context=ctx)
s.apop('alice@example.test', 'tanstaaf')
out['after'] = list(s.stat())
s.quit()
print(json.dumps(out))
`;

for (const kind of await storeKinds()) {
  test(`[${kind.name}] Python poplib: STLS, USER/PASS, STAT, LIST, UIDL, RETR, TOP, DELE, QUIT; POP3_SSL with APOP`, { skip: !have('python3') && 'python3 not installed' }, async () => {
    const store = await kind.open();
    const t = await startTestServer(store, { allowPlaintextOnLoopback: false });
    const s = await startTestServer(store, { implicitTls: true });
    try {
      const alice = await addUser(store, 'alice@example.test', 'tanstaaf');
      const m1 = message('first', 'line 1\r\n.dot line\r\nline 3') + '\r\n';
      const m2 = message('second', 'a\r\nb\r\nc') + '\r\n';
      await putInInbox(store, alice, m1);
      await putInInbox(store, alice, m2);
      const r = await run('python3', ['-c', POPLIB, String(t.port), String(s.port)]);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      assert.ok((out.capa as string[]).includes('STLS'));
      assert.deepEqual(out.stat, [2, m1.length + m2.length]);
      assert.deepEqual(out.list, [`1 ${m1.length}`, `2 ${m2.length}`]);
      assert.equal((out.uidl as string[]).length, 2);
      const retr = out.retr as { resp: string; text: string; octets: number };
      assert.equal(retr.text, m1);
      assert.match(retr.resp, new RegExp(`^\\+OK ${m1.length} octets`));
      assert.deepEqual(out.top, ['From: sender@example.test', 'To: rcpt@example.test', 'Subject: second', '', 'a']);
      assert.match(out.quit as string, /^\+OK/);
      assert.deepEqual(out.after, [1, m2.length]);
    } finally {
      await t.close();
      await s.close();
    }
  });

  test(`[${kind.name}] curl pop3:// lists and retrieves; pop3s:// too`, { skip: !have('curl') && 'curl not installed' }, async () => {
    const store = await kind.open();
    const t = await startTestServer(store);
    const s = await startTestServer(store, { implicitTls: true });
    try {
      const bob = await addUser(store, 'bob@example.test');
      const m1 = message('curl', 'fetched by curl\r\n.with a dot') + '\r\n';
      await putInInbox(store, bob, m1);
      const user = ['-u', 'bob@example.test:correct horse'];
      const list = await run('curl', ['-s', '--max-time', '10', ...user, `pop3://127.0.0.1:${t.port}/`]);
      assert.equal(list.code, 0, list.stderr);
      assert.equal(list.stdout, `1 ${m1.length}\r\n`);
      const retr = await run('curl', ['-s', '--max-time', '10', ...user, `pop3://127.0.0.1:${t.port}/1`]);
      assert.equal(retr.stdout, m1);
      const tls = await run('curl', ['-s', '-k', '--max-time', '10', ...user, `pop3s://127.0.0.1:${s.port}/1`]);
      assert.equal(tls.stdout, m1);
      const stls = await run('curl', ['-s', '-k', '--ssl-reqd', '--max-time', '10', ...user, `pop3://127.0.0.1:${t.port}/1`]);
      assert.equal(stls.stdout, m1);
    } finally {
      await t.close();
      await s.close();
    }
  });

  test(`[${kind.name}] fetchmail: keep + UIDL fetches once; without keep the server copy is deleted`, { skip: !have('fetchmail') && 'fetchmail not installed' }, async () => {
    const store = await kind.open();
    const t = await startTestServer(store);
    const dir = mkdtempSync(join(tmpdir(), 'posthorn-fetchmail-'));
    try {
      const carol = await addUser(store, 'carol@example.test');
      await putInInbox(store, carol, message('fm1', 'one') + '\r\n');
      await putInInbox(store, carol, message('fm2', 'two') + '\r\n');
      const mbox = join(dir, 'out.mbox');
      const rc = (keep: boolean) => {
        const f = join(dir, `rc-${keep}`);
        writeFileSync(f, [
          'set no syslog',
          `poll 127.0.0.1 port ${t.port} protocol POP3 uidl auth password`,
          `  user "carol@example.test" there with password "correct horse" is "carol" here`,
          `  ${keep ? 'keep' : 'nokeep fetchall'} sslproto ''`,
          `  mda "/bin/sh -c 'cat >> ${mbox}'"`,
          '',
        ].join('\n'));
        chmodSync(f, 0o600);
        return f;
      };
      const env = { ...process.env, FETCHMAILHOME: dir, HOME: dir };
      const fetch = (keep: boolean) => run('fetchmail', ['-f', rc(keep), '--nodetach', '--nosyslog', ...(keep ? [] : ['--all'])], '', env);
      const a = await fetch(true);
      assert.ok(a.code === 0, `fetchmail exit ${a.code}: ${a.stderr}`);
      const first = readFileSync(mbox, 'utf8');
      assert.match(first, /Subject: fm1/);
      assert.match(first, /Subject: fm2/);
      const b = await fetch(true);
      assert.equal(b.code, 1, 'exit 1 = no new mail, thanks to UIDL');
      const inbox = await store.mail.getMailbox(carol.id, 'INBOX');
      assert.equal((await store.mail.getMessages(inbox!.id, [[1, Infinity]])).length, 2, 'keep leaves mail on the server');
      const c = await fetch(false);
      assert.equal(c.code, 0, c.stderr);
      assert.equal((await store.mail.getMessages(inbox!.id, [[1, Infinity]])).length, 0, 'nokeep deletes on the server');
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
