// The composition root: which listeners start, what is printed, port conflicts, shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startApp } from '../../src/app/run.js';
import { loadConfig } from '../../src/config/load.js';
import { UserError } from '../../src/lib/errors.js';
import { silentLogger } from '../../src/lib/log.js';
import type { BaseServerOptions } from '../../src/server/types.js';
import { FakeData, fakeStore } from '../cli/fake-store.js';
import { tempDataDir } from '../cli/support.js';
import { netStarter, occupiedPort } from './support.js';

const allOff = Object.fromEntries(['SMTP', 'SUBMISSION', 'SUBMISSIONS', 'POP3', 'POP3S', 'IMAP', 'IMAPS', 'HTTP'].map((n) => [`POSTHORN_${n}_LISTEN`, 'off']));

function greet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let text = '';
    s.on('data', (d) => (text += d));
    s.on('end', () => resolve(text));
    s.on('error', reject);
  });
}

test('with no servers built in, the app still starts and says so', async (t) => {
  const dir = tempDataDir(t);
  const data = new FakeData();
  const lines: string[] = [];
  const { config } = loadConfig({ dataDir: dir, env: {} });
  const app = await startApp({ config, dataDir: dir, log: silentLogger, out: (l) => lines.push(l), starters: {}, openStore: async () => fakeStore(data) });
  assert.deepEqual(lines, ['no listeners are available yet (configured but not built in: smtp, submission, submissions, pop3, pop3s, imap, imaps, http)']);
  assert.equal(existsSync(join(dir, 'tls')), false, 'no certificate is made when nothing listens');
  await app.close();
  await app.close();
  assert.equal(data.closed, 1);
});

test('every configured listener starts with its options and is reported; off ones are not', async (t) => {
  const dir = tempDataDir(t);
  const seen: BaseServerOptions[] = [];
  const lines: string[] = [];
  const { config } = loadConfig({ dataDir: dir, env: { ...allOff, POSTHORN_IMAP_LISTEN: '127.0.0.1:0', POSTHORN_IMAPS_LISTEN: '127.0.0.1:0', POSTHORN_HOSTNAME: 'mail.example.test' } });
  const app = await startApp({
    config, dataDir: dir, log: silentLogger, out: (l) => lines.push(l), openStore: async () => fakeStore(new FakeData()),
    starters: { imap: netStarter('imap', seen), imaps: netStarter('imaps', seen), pop3: netStarter('pop3', seen) },
  });
  t.after(() => app.close());
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^imap listening on 127\.0\.0\.1:\d+$/);
  assert.match(lines[1], /^imaps listening on 127\.0\.0\.1:\d+$/);
  assert.deepEqual(seen.map((o) => [o.implicitTls, o.hostname, o.allowPlaintextOnLoopback]), [[false, 'mail.example.test', true], [true, 'mail.example.test', true]]);
  assert.match(String(seen[0].tls.cert), /BEGIN CERTIFICATE/);
  assert.ok(existsSync(join(dir, 'tls', 'cert.pem')));
  assert.equal(await greet(app.servers[0].address.port), 'imap hello\r\n');
  await app.close();
  await assert.rejects(greet(app.servers[0].address.port), /ECONNREFUSED/);
});

test('a port already taken is a clear error; what had started is stopped', async (t) => {
  const dir = tempDataDir(t);
  const busy = await occupiedPort();
  t.after(() => busy.release());
  const data = new FakeData();
  const started: number[] = [];
  const smtp = netStarter('smtp');
  const { config } = loadConfig({ dataDir: dir, env: { ...allOff, POSTHORN_SMTP_LISTEN: '127.0.0.1:0', POSTHORN_IMAP_LISTEN: `127.0.0.1:${busy.port}` } });
  await assert.rejects(
    startApp({ config, dataDir: dir, log: silentLogger, out: () => {}, openStore: async () => fakeStore(data), starters: { smtp: async (b, c) => { const s = await smtp(b, c); started.push(s.address.port); return s; }, imap: netStarter('imap') } }),
    (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.equal(e.message, `imap: cannot listen on 127.0.0.1:${busy.port}: the address is already in use (set imap.listen to another ADDR:PORT or off)`);
      return true;
    },
  );
  assert.equal(data.closed, 1, 'the store is closed again');
  assert.equal(started.length, 1, 'smtp had started before imap failed');
  await assert.rejects(greet(started[0]), /ECONNREFUSED/, 'and it was closed again');
});
