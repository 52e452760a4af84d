/**
 * Outbound through `posthorn serve`: a user submits mail for another domain; the queue
 * runner takes it to the next hop named in `outbound.routes` (here a tiny SMTP sink in the
 * test) at once — ingest kicks the runner, no waiting for the 5 s poll — and `posthorn
 * queue list` shows nothing left. (SRS through serve: srs-path.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { posthorn, serve, tempData, Talk } from './support.js';
import { sink } from './sink.js';

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

