// Durability of 250 (ARCHITECTURE.md "Durability"): the server runs in a child process on
// a real store; several clients send; the server is killed with SIGKILL mid-stream and
// restarted. Every message that got 250 must be in the mailbox exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SmtpClient } from './support/client.js';
import { realStore } from './support/real-store.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function startChild(dataDir: string, url: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/smtp/support/child-server.ts', dataDir, url], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      const m = /READY (\d+)/.exec((out += d.toString()));
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`child server exited early (${code})`)));
  });
  return { child, port };
}

/** Sends messages tagged `<client>-<n>` until the connection dies; records each 250. */
async function sender(port: number, id: number, acked: Set<string>): Promise<void> {
  let c: SmtpClient;
  try {
    c = await SmtpClient.connect(port);
    await c.expect('220');
    await c.cmd('EHLO load.test', '250');
  } catch {
    return;
  }
  for (let n = 0; ; n++) {
    const tag = `K${id}-${n}`;
    try {
      c.write('MAIL FROM:<load@far.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n');
      await c.expect('250');
      await c.expect('250');
      await c.expect('354');
      c.write(`Subject: ${tag}\r\n\r\n${'body line\r\n'.repeat(50)}.\r\n`);
      await c.expect('250 2.0.0');
      acked.add(tag);
    } catch {
      c.close();
      return;
    }
  }
}

for (const kind of ['sqlite', 'postgres'] as const) {
  test(`SIGKILL while 5 clients send (${kind}): every acknowledged message is stored exactly once`, async (t) => {
    const rs = await realStore(kind);
    if (!rs) return t.skip('PostgreSQL not reachable');
    try {
      const first = await startChild(rs.dataDir, rs.url);
      const acked = new Set<string>();
      const started = Date.now();
      const senders = Array.from({ length: 5 }, (_, i) => sender(first.port, i, acked));
      // past 1.5 s SQLite's message writer thread has loaded and writes the messages, so
      // the kill meets it (store/sqlite/writer.ts); before, the event loop's group commit
      while (acked.size < 15 || Date.now() - started < 1500) await new Promise((r) => setTimeout(r, 10));
      first.child.kill('SIGKILL');
      await Promise.all(senders);
      await new Promise((r) => first.child.exitCode !== null || first.child.signalCode !== null ? r(null) : first.child.once('exit', r));

      // restart on the same data: it recovers and accepts mail again
      const second = await startChild(rs.dataDir, rs.url);
      const after = new Set<string>();
      const c = await SmtpClient.connect(second.port);
      await c.expect('220');
      await c.cmd('EHLO again.test', '250');
      await c.cmd('MAIL FROM:<load@far.test>', '250');
      await c.cmd('RCPT TO:<alice@example.test>', '250');
      await c.cmd('DATA', '354');
      c.write('Subject: after-restart\r\n\r\nx\r\n.\r\n');
      await c.expect('250');
      after.add('after-restart');
      await c.cmd('QUIT', '221');
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));

      const store = await rs.open();
      try {
        const alice = (await store.directory.getAccount('alice@example.test'))!;
        const box = (await store.mail.getMailbox(alice.id, 'INBOX'))!;
        const rows = await store.mail.getMessages(box.id, [[1, Infinity]]);
        const counts = new Map<string, number>();
        for (const row of rows) {
          const subject = /\r\nSubject: (\S+)\r\n/.exec((await store.blobs.get(row.blobId)).toString())?.[1] ?? '?';
          counts.set(subject, (counts.get(subject) ?? 0) + 1);
        }
        for (const tag of [...acked, ...after]) assert.equal(counts.get(tag), 1, `${tag} acknowledged, stored ${counts.get(tag) ?? 0} times`);
        for (const [tag, n] of counts) assert.equal(n, 1, `${tag} stored ${n} times`);
        assert.ok(acked.size >= 15);
      } finally {
        await store.close();
      }
    } finally {
      rs.cleanup();
    }
  });
}
