/**
 * Outbound through `posthorn serve`: a user submits mail for another domain; the queue
 * runner takes it to the next hop named in `outbound.routes` (here a tiny SMTP sink in the
 * test), and `posthorn queue list` shows nothing left.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { posthorn, serve, tempData, Talk } from './support.js';

/** Accepts every message; resolves each DATA it receives. */
function sink(): Promise<{ port: number; messages: string[]; close(): void }> {
  const messages: string[] = [];
  const server = net.createServer((sock) => {
    let buf = '';
    let inData = false;
    sock.write('220 sink.test ESMTP\r\n');
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          messages.push(buf.slice(0, end + 2));
          buf = buf.slice(end + 5);
          inData = false;
          sock.write('250 2.0.0 queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') sock.write('250-sink.test\r\n250 PIPELINING\r\n');
        else if (verb === 'DATA') { inData = true; sock.write('354 go ahead\r\n'); }
        else if (verb === 'QUIT') { sock.end('221 bye\r\n'); return; }
        else sock.write('250 ok\r\n');
      }
    });
    sock.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: (server.address() as net.AddressInfo).port, messages, close: () => server.close(),
  })));
}

test('submitted mail for another domain leaves through the queue to its next hop', async () => {
  const data = tempData();
  const hop = await sink();
  try {
    writeFileSync(join(data.dir, 'posthorn.toml'), `[outbound.routes]\n"remote.test" = "127.0.0.1:${hop.port}"\n`);
    assert.equal(posthorn(data.dir, ['domain', 'add', 'example.test']).status, 0);
    assert.equal(posthorn(data.dir, ['user', 'add', 'alice@example.test', '--password-stdin'], 'correct-horse-9\n').status, 0);
    const s = await serve(data.dir, ['submission']);
    try {
      const sub = await Talk.open(s.ports.submission);
      await sub.until(/^220 /);
      sub.send('EHLO client.test\r\n');
      await sub.until(/^250 /);
      sub.send(`AUTH PLAIN ${Buffer.from('\0alice@example.test\0correct-horse-9').toString('base64')}\r\n`);
      await sub.until(/^235 /);
      sub.send('MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@remote.test>\r\nDATA\r\n');
      await sub.until(/^354 /);
      sub.send('Subject: going places\r\n\r\nacross the network\r\n.\r\n');
      assert.match(await sub.until(/^250 2\.0\.0/), /^250 /m);
      sub.send('QUIT\r\n');
      sub.close();
      for (let i = 0; i < 150 && hop.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 200));
      assert.equal(hop.messages.length, 1, 'the next hop received the message');
      assert.match(hop.messages[0], /^Subject: going places$/m);
      assert.match(hop.messages[0], /across the network/);
    } finally {
      assert.equal(await s.stop('SIGTERM'), 0);
    }
    for (let i = 0; i < 20; i++) {
      const q = posthorn(data.dir, ['queue', 'list']);
      if (/empty/.test(q.stdout)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.match(posthorn(data.dir, ['queue', 'list']).stdout, /empty|no message/i);
  } finally {
    hop.close();
    data.remove();
  }
});
