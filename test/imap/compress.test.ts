/**
 * COMPRESS=DEFLATE (RFC 4978) over a real socket: the tagged OK is plain, everything after
 * it is raw DEFLATE both ways (decoded here with node:zlib as a client would), also under
 * TLS; a second COMPRESS is NO [COMPRESSIONACTIVE], an unknown mechanism BAD, COMPRESS
 * before login BAD; LOGOUT's BYE arrives flushed. imapflow (clients.test.ts) negotiates
 * COMPRESS too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createDeflateRaw, createInflateRaw } from 'node:zlib';
import { expectLines, PASS, startTestServer, USER, type ImapClient } from './support/harness.js';

/** Speaks DEFLATE over the harness client's socket after COMPRESS succeeded. */
function deflated(c: ImapClient): { send(cmd: string): Promise<string[]>; raw: () => number } {
  const deflate = createDeflateRaw();
  const inflate = createInflateRaw();
  let buf = '';
  let rawBytes = 0;
  const waiters: Array<() => void> = [];
  c.socket.removeAllListeners('data');
  c.socket.on('data', (d: Buffer) => { rawBytes += d.length; inflate.write(d); });
  inflate.on('data', (d: Buffer) => { buf += d.toString('latin1'); for (const w of waiters.splice(0)) w(); });
  deflate.on('data', (d: Buffer) => c.socket.write(d));
  let n = 0;
  return {
    raw: () => rawBytes,
    async send(cmd) {
      const tag = `z${++n}`;
      deflate.write(`${tag} ${cmd}\r\n`);
      deflate.flush(constants.Z_SYNC_FLUSH);
      for (;;) {
        const m = new RegExp(`(?:^|\\r\\n)${tag} [^\\r]*\\r\\n`).exec(buf);
        if (m) {
          const lines = buf.slice(0, m.index + m[0].length).split('\r\n').slice(0, -1);
          buf = buf.slice(m.index + m[0].length);
          return lines;
        }
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`timeout; got ${JSON.stringify(buf)}`)), 10000);
          waiters.push(() => { clearTimeout(t); resolve(); });
        });
      }
    },
  };
}

test('COMPRESS DEFLATE: plain OK, then deflate both ways; twice is NO [COMPRESSIONACTIVE]', async () => {
  const t = await startTestServer();
  try {
    for (let i = 0; i < 20; i++) await t.deliver(`Subject: message ${i}\r\nFrom: a@example.test\r\n\r\n${'The same line again.\r\n'.repeat(50)}`);
    const pre = await t.connect({ login: false });
    expectLines(await pre.send('COMPRESS DEFLATE'), [/^t\d+ BAD /]);
    const c = await t.connect();
    assert.match((await c.ok('CAPABILITY'))[0], / COMPRESS=DEFLATE/);
    expectLines(await c.send('COMPRESS GZIP'), [/^t\d+ BAD /]);
    assert.deepEqual(await c.send('COMPRESS DEFLATE', 'c1'), ['c1 OK DEFLATE active']);
    const z = deflated(c);
    expectLines(await z.send('NOOP'), [/^z1 OK/]);
    expectLines(await z.send('COMPRESS DEFLATE'), [/^z2 NO \[COMPRESSIONACTIVE\]/]);
    await z.send('SELECT INBOX');
    const before = z.raw();
    const lines = await z.send('FETCH 1:* (BODY.PEEK[])');
    assert.equal(lines.filter((l) => / FETCH \(BODY\[\] \{1\d\d\d\}$/.test(l)).length, 20);
    assert.ok(z.raw() - before < 5000, `compressed FETCH took ${z.raw() - before} octets`);
    expectLines(await z.send('LOGOUT'), [/^\* BYE/, /^z5 OK/]);
  } finally {
    await t.close();
  }
});

test('COMPRESS DEFLATE under TLS (compress, then encrypt)', async () => {
  const t = await startTestServer();
  try {
    await t.deliver('Subject: tls\r\n\r\nhello\r\n');
    const c = await t.connect({ login: false });
    await c.startTls();
    await c.ok(`LOGIN "${USER}" "${PASS}"`);
    assert.deepEqual(await c.send('COMPRESS DEFLATE', 'c1'), ['c1 OK DEFLATE active']);
    const z = deflated(c);
    await z.send('SELECT INBOX');
    expectLines(await z.send('FETCH 1 BODY.PEEK[TEXT]'), [/^\* 1 FETCH \(BODY\[TEXT\] \{7\}$/, /^hello$/, /^\)$/, /^z2 OK/]);
  } finally {
    await t.close();
  }
});
