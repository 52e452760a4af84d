/**
 * The outbound configuration keys as the queue runner reads them: `outbound.tls_policy`
 * (per destination), `outbound.tls_ca_file` (an extra CA for verifying under `required`),
 * and `outbound.relay_host` with `relay_user` / `relay_password` (SMTP AUTH at a smarthost).
 * Under `required` the certificate chain and the host name are verified and a failure
 * defers with 4.7.5; opportunistic TLS takes any certificate (RFC 7435).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.js';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import { createResolver } from '../../src/mta/transport/resolver.js';
import { routingFromConfig } from '../../src/mta/queue/runner.js';
import { QueueScheduler } from '../../src/mta/queue/scheduler.js';
import { defaultPolicy } from '../../src/mta/queue/policy.js';
import { silentLogger } from '../../src/lib/log.js';
import { MemoryBlobs, MemoryQueue } from './memory-store.js';
import { startSink, type Sink } from './smtp-sink.js';
import { makeTestCa, type TestCa } from './test-ca.js';

let dns: TestDnsServer;
let ca: TestCa;
let sink: Sink;
let caDir: string;
before(async () => {
  ca = makeTestCa(['mx.secure.test']);
  caDir = mkdtempSync(join(tmpdir(), 'outbound-ca-'));
  writeFileSync(join(caDir, 'ca.pem'), ca.caCert);
  dns = await startDnsServer({ 'mx.secure.test': { A: ['127.0.0.1'] }, 'wrong.secure.test': { A: ['127.0.0.1'] } });
  sink = await startSink({ extensions: ['STARTTLS', 'PIPELINING', 'AUTH PLAIN'], tls: { key: ca.key, cert: ca.cert }, credentials: 'relay:s3cret' });
});
after(async () => {
  await sink.close();
  await dns.close();
  rmSync(caDir, { recursive: true, force: true });
});

/** One message to `rcpt` through a scheduler built from `outbound` keys; the recipient's state and reply. */
async function attempt(outbound: ConfigInput['outbound'], rcpt: string): Promise<{ state: string; reply: string }> {
  const config = configSchema.parse({ hostname: 'mail.localisp.test', outbound: { connect_timeout: '2s', command_timeout: '5s', ...outbound } });
  const queue = new MemoryQueue();
  const blobs = new MemoryBlobs();
  const sched = new QueueScheduler({
    queue, blobs, hostname: config.hostname, nodeId: 'n1', leaseMs: 60_000, pollIntervalMs: 1000, maxConnections: 4,
    routing: routingFromConfig(config), resolver: createResolver({ servers: [dns.server], timeoutMs: 500, tries: 1 }),
    session: { connectTimeoutMs: 2000, commandTimeoutMs: 5000, extraCa: config.outbound.tls_ca_file ? ca.caCert : undefined },
    policy: defaultPolicy, log: silentLogger,
  });
  const data = Buffer.from('From: <alice@localisp.test>\r\nSubject: t\r\n\r\nhi\r\n');
  const id = await queue.enqueue({ sender: 'alice@localisp.test', blobId: await blobs.put(data), size: data.length, recipients: [{ address: rcpt }] });
  await sched.runOnce();
  const r = (await queue.get(id))?.recipients[0];
  return { state: r?.state ?? 'delivered', reply: r?.lastReply ?? '' };
}

const routes = () => ({ 'secure.test': `mx.secure.test:${sink.port}`, 'wrong.test': `wrong.secure.test:${sink.port}`, 'open.test': `wrong.secure.test:${sink.port}` });

test('required TLS with the CA file: verified and delivered over TLS', async () => {
  const before = sink.transactions.length;
  const r = await attempt({ routes: routes(), tls_policy: { 'secure.test': 'required' }, tls_ca_file: join(caDir, 'ca.pem') }, 'bob@secure.test');
  assert.equal(r.state, 'delivered');
  assert.equal(sink.transactions.length, before + 1);
  assert.equal(sink.transactions.at(-1)!.tls, true);
});

test('required TLS without the CA: the unknown chain defers with 4.7.5', async () => {
  const r = await attempt({ routes: routes(), tls_policy: { 'secure.test': 'required' } }, 'bob@secure.test');
  assert.equal(r.state, 'deferred');
  assert.match(r.reply, /^421 4\.7\.5 .*TLS is required/);
});

test('required TLS, trusted chain, but a certificate for another name: deferred 4.7.5', async () => {
  const r = await attempt({ routes: routes(), tls_policy: { 'wrong.test': 'required', '.sub.test': 'required' }, tls_ca_file: join(caDir, 'ca.pem') }, 'bob@wrong.test');
  assert.equal(r.state, 'deferred');
  assert.match(r.reply, /^421 4\.7\.5 .*(altnames|does not match)/i);
});

test('opportunistic TLS (the default) accepts a certificate it cannot verify', async () => {
  const before = sink.transactions.length;
  const r = await attempt({ routes: routes(), tls_policy: { 'secure.test': 'required' } }, 'bob@open.test');
  assert.equal(r.state, 'delivered');
  assert.equal(sink.transactions.length, before + 1);
  assert.equal(sink.transactions.at(-1)!.tls, true);
});

test('relay_host with relay_user / relay_password: AUTH PLAIN at the smarthost', async () => {
  const before = sink.transactions.length;
  const r = await attempt({ relay_host: `127.0.0.1:${sink.port}`, relay_user: 'relay', relay_password: 's3cret' }, 'carol@anywhere.test');
  assert.equal(r.state, 'delivered');
  assert.equal(sink.transactions.length, before + 1);
  assert.equal(sink.transactions.at(-1)!.auth, 'relay');
  const bad = await attempt({ relay_host: `127.0.0.1:${sink.port}`, relay_user: 'relay', relay_password: 'wrong' }, 'carol@anywhere.test');
  assert.equal(bad.state, 'deferred');
  assert.match(bad.reply, /535 5\.7\.8/);
});
