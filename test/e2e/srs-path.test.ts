/**
 * SRS through `posthorn serve`: forwarded mail leaves with an SRS0 reverse-path signed with
 * the secret serve made in DATA/srs.secret (nothing configured), and a bounce sent to that
 * address on port 25 is relayed back to the original sender; a tampered one is 550 5.1.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { posthorn, serve, tempData, Talk } from './support.js';
import { sink } from './sink.js';

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
