/**
 * Outbound through `posthorn serve`: a user submits mail for another domain; the queue
 * runner takes it to the next hop named in `outbound.routes` (here a tiny SMTP sink in the
 * test) at once — ingest kicks the runner, no waiting for the 5 s poll — and `posthorn
 * queue list` shows nothing left. Forwarded mail leaves with an SRS0 reverse-path signed
 * with the secret serve made in DATA/srs.secret, and a bounce to it is relayed back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { posthorn, serve, tempData, Talk } from './support.js';

interface Envelope { from: string; to: string[] }

/** Accepts every message; records each DATA it receives and its envelope. */
function sink(): Promise<{ port: number; messages: string[]; envelopes: Envelope[]; close(): void }> {
  const messages: string[] = [];
  const envelopes: Envelope[] = [];
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
        else if (verb === 'MAIL') { envelopes.push({ from: /<([^>]*)>/.exec(line)?.[1] ?? '', to: [] }); sock.write('250 ok\r\n'); }
        else if (verb === 'RCPT') { envelopes.at(-1)?.to.push(/<([^>]*)>/.exec(line)?.[1] ?? ''); sock.write('250 ok\r\n'); }
        else if (verb === 'DATA') { inData = true; sock.write('354 go ahead\r\n'); }
        else if (verb === 'QUIT') { sock.end('221 bye\r\n'); return; }
        else sock.write('250 ok\r\n');
      }
    });
    sock.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: (server.address() as net.AddressInfo).port, messages, envelopes, close: () => server.close(),
  })));
}

test('submitted mail for another domain leaves through the queue to its next hop at once', async (t) => {
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
      const accepted = performance.now();
      sub.send('QUIT\r\n');
      sub.close();
      while (hop.messages.length === 0 && performance.now() - accepted < 30_000) await new Promise((r) => setTimeout(r, 5));
      const latency = performance.now() - accepted;
      assert.equal(hop.messages.length, 1, 'the next hop received the message');
      t.diagnostic(`submit 250 → next hop has it: ${latency.toFixed(0)} ms (queue.poll_interval 5 s)`);
      assert.ok(latency < 2000, `delivered ${latency.toFixed(0)} ms after 250: the queue was kicked, not polled`);
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

/** One SMTP transaction on port 25; the replies to RCPT and the end of DATA. */
async function mx(port: number, from: string, rcpt: string, body: string): Promise<{ rcpt: string; data: string | null }> {
  const c = await Talk.open(port);
  try {
    await c.until(/^220 /);
    c.send('EHLO far.test\r\n');
    await c.until(/^250 /);
    c.send(`MAIL FROM:<${from}>\r\n`);
    await c.until(/^250 /);
    c.send(`RCPT TO:<${rcpt}>\r\n`);
    const r = await c.until(/^\d{3} /);
    if (!/^25/.test(r)) return { rcpt: r, data: null };
    c.send('DATA\r\n');
    await c.until(/^354 /);
    c.send(`${body}\r\n.\r\n`);
    const d = await c.until(/^\d{3} /);
    c.send('QUIT\r\n');
    return { rcpt: r, data: d };
  } finally {
    c.close();
  }
}

test('serve: forwarded mail leaves with SRS0 (secret made in DATA/srs.secret); the bounce to it goes back', async () => {
  const data = tempData();
  const hop = await sink();
  try {
    writeFileSync(join(data.dir, 'posthorn.toml'), `[smtp]\nsender_auth = "off"\n[outbound.routes]\n"remote.test" = "127.0.0.1:${hop.port}"\n"far.test" = "127.0.0.1:${hop.port}"\n`);
    assert.equal(posthorn(data.dir, ['domain', 'add', 'example.test']).status, 0);
    assert.equal(posthorn(data.dir, ['forward', 'add', 'carol@example.test', 'carol@remote.test']).status, 0);
    const s = await serve(data.dir, ['smtp']);
    try {
      assert.ok(existsSync(join(data.dir, 'srs.secret')), 'serve made an SRS secret');
      const fwd = await mx(s.ports.smtp, 'someone@far.test', 'carol@example.test', 'Subject: hello carol\r\n\r\nhi');
      assert.match(fwd.rcpt, /^251 /);
      assert.match(fwd.data ?? '', /^250 /);
      for (let i = 0; i < 100 && hop.envelopes.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      const srs = hop.envelopes[0].from;
      assert.match(srs, /^SRS0=[^=]{4}=[A-Z2-7]{2}=far\.test=someone@example\.test$/);
      assert.deepEqual(hop.envelopes[0].to, ['carol@remote.test']);
      // the remote side bounces to the SRS address: relayed to the original sender
      const back = await mx(s.ports.smtp, '', srs, 'Subject: Undelivered Mail Returned to Sender\r\n\r\nsorry');
      assert.match(back.rcpt, /^250 /);
      assert.match(back.data ?? '', /^250 /);
      for (let i = 0; i < 100 && hop.envelopes.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(hop.envelopes[1], { from: '', to: ['someone@far.test'] });
      const forged = await mx(s.ports.smtp, '', srs.replace('=someone@', '=mallory@'), 'x');
      assert.match(forged.rcpt, /^550 5\.1\.1 /);
    } finally {
      assert.equal(await s.stop('SIGTERM'), 0);
    }
  } finally {
    hop.close();
    data.remove();
  }
});
