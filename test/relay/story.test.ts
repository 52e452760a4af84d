/**
 * The story of issue 4, on loopback: three Posthorn instances — localisp.test (127.0.0.2),
 * corporate.test (127.0.0.3), island.test (127.0.0.4) — each with its own store, SMTP
 * server and queue runner, and a DNS responder answering their MX and A records.
 * Alice at localisp submits one message for bob and carol at corporate; bob gets it; carol
 * has moved, so corporate answers 251 and relays it (with an SRS sender) to island, where
 * carol gets it. Then: a hop that is down (delivered once when back), a 550 (a correct
 * bounce back to alice), a hop down past the delay warning (a delay notice), and Postfix
 * relaying into the island (our client → Postfix is test/relay/postfix.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';
import { configSchema } from '../../src/config/schema.js';
import { ChangeBus } from '../../src/mail/changes.js';
import { deliver } from '../../src/mail/deliver.js';
import { createIngest } from '../../src/mta/ingest/ingest.js';
import type { Ingest } from '../../src/mta/ingest/types.js';
import { startSmtpServer } from '../../src/server/smtp/index.js';
import type { RunningServer } from '../../src/server/types.js';
import { startQueueRunner, type RunningQueue } from '../../src/mta/queue/runner.js';
import { deliverBatch } from '../../src/mta/transport/deliver.js';
import { localDelivery } from '../../src/mta/transport/local.js';
import { silentLogger } from '../../src/lib/log.js';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.js';
import { header, parsePart, splitMultipart, statusGroups } from './mime-check.js';
import { postfixAvailable, startPostfix } from './postfix-instance.js';

interface Instance {
  name: string;
  ip: string;
  store: Store;
  ingest: Ingest;
  server: RunningServer | null;
  queue: RunningQueue;
  dir: string;
  startServer(): Promise<void>;
  inbox(address: string): Promise<string[]>;
  close(): Promise<void>;
}

let pemOnce: ReturnType<typeof generate> | null = null;

async function instance(domain: string, ip: string, port: number, dnsServer: string, setup: (s: Store) => Promise<void>): Promise<Instance> {
  const dir = await mkdtemp(join(tmpdir(), `story-${domain}-`));
  const store = await openStore({ url: `sqlite:${join(dir, 'posthorn.db')}`, dataDir: dir });
  await store.directory.addDomain(domain);
  await setup(store);
  const hostname = `mx.${domain}`;
  const bus = new ChangeBus(store.events);
  const ingest = createIngest({ store, bus, hostname, deliver: (ctx, raw, targets) => deliver(ctx, raw, targets) });
  pemOnce ??= generate([{ name: 'commonName', value: 'mx.story.test' }], { keySize: 2048 });
  const pem = await pemOnce;
  const config = configSchema.parse({
    hostname,
    dns: { servers: [dnsServer], timeout: '1s' },
    outbound: { port, connect_timeout: '1s', command_timeout: '5s' },
    queue: { retry: ['300ms'], delay_warning: '1500ms', max_age: '5d', poll_interval: '100ms', lease: '30s' },
  });
  const queue = await startQueueRunner({
    config, dataDir: dir, store, log: silentLogger, localAddress: ip, srsSecrets: [`secret-${domain}`], srsDomain: domain,
    deliverLocal: localDelivery(ingest, hostname),
  });
  const inst: Instance = {
    name: domain, ip, store, ingest, server: null, queue, dir,
    async startServer() {
      inst.server = await startSmtpServer({
        host: ip, port, implicitTls: false, hostname, tls: { key: pem.private, cert: pem.cert }, store, bus, log: silentLogger,
        allowPlaintextOnLoopback: true, mode: 'mx', maxMessageSize: 10_000_000, maxRecipients: 100, relayNetworks: ['127.0.0.1'],
        maxConnectionsPerIp: 50, ingest,
      });
    },
    async inbox(address) {
      const acct = await store.directory.getAccount(address);
      const box = await store.mail.getMailbox(acct!.id, 'INBOX');
      const rows = await store.mail.getMessages(box!.id, [[1, Infinity]]);
      return Promise.all(rows.map(async (r) => (await store.blobs.get(r.blobId)).toString('utf8')));
    },
    async close() {
      await queue.close();
      await inst.server?.close();
      bus.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await inst.startServer();
  return inst;
}

async function until<T>(what: string, fn: () => Promise<T | null | false | undefined>, ms = 8000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Alice submits over SMTP from 127.0.0.1 (a relay network of localisp). */
async function submit(to: string[], port: number, subject: string): Promise<string[]> {
  const data = Buffer.from(`From: Alice <alice@localisp.test>\r\nTo: ${to.join(', ')}\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@localisp.test>\r\nDate: Sun, 22 Nov 2026 08:00:00 +0000\r\n\r\n${subject}: see you at noon.\r\n`);
  const replies: string[] = [];
  await deliverBatch(
    { key: 'submit', via: 'route', targets: [{ host: 'mx.localisp.test', address: '127.0.0.2', port }], tls: 'off', auth: null },
    [{ sender: 'alice@localisp.test', recipients: to.map((address, id) => ({ id, address, notify: null, orcpt: null })), data, envid: null, ret: null, body: '7BIT', smtputf8: false }],
    { hostname: 'alice-laptop.localisp.test', connectTimeoutMs: 2000, commandTimeoutMs: 5000, tls: 'off', auth: null },
    async (_m, r) => { for (const x of r) replies.push(`${x.kind} ${x.reply}`); },
  );
  return replies;
}

test('three instances: relay, forward with 251 and SRS, down hop, bounce, delay notice', { timeout: 60_000 }, async () => {
  const dns: TestDnsServer = await startDnsServer({
    'localisp.test': { MX: [{ preference: 10, exchange: 'mx.localisp.test' }] },
    'mx.localisp.test': { A: ['127.0.0.2'] },
    'corporate.test': { MX: [{ preference: 10, exchange: 'mx.corporate.test' }] },
    'mx.corporate.test': { A: ['127.0.0.3'] },
    'island.test': { MX: [{ preference: 10, exchange: 'mx.island.test' }] },
    'mx.island.test': { A: ['127.0.0.4'] },
  });
  const hash = '$argon2id$not-used'; // nobody logs in here
  // one port for all three, on three addresses (the MX records give only addresses)
  const probe = await startSmtpProbePort();
  const all: Instance[] = [];
  try {
    const localisp = await instance('localisp.test', '127.0.0.2', probe, dns.server, async (s) => {
      await s.directory.addAccount({ address: 'alice@localisp.test', passwordHash: hash });
    });
    all.push(localisp);
    const corporate = await instance('corporate.test', '127.0.0.3', probe, dns.server, async (s) => {
      await s.directory.addAccount({ address: 'bob@corporate.test', passwordHash: hash });
      await s.directory.addForward('carol@corporate.test', 'carol@island.test');
    });
    all.push(corporate);
    const island = await instance('island.test', '127.0.0.4', probe, dns.server, async (s) => {
      await s.directory.addAccount({ address: 'carol@island.test', passwordHash: hash });
      await s.directory.addAccount({ address: 'dave@island.test', passwordHash: hash });
    });
    all.push(island);

    // 1. one message, two recipients at corporate; carol has moved to island
    assert.deepEqual((await submit(['bob@corporate.test', 'carol@corporate.test'], probe, 'Lunch')).map((r) => r.split(' ')[0]), ['accepted', 'accepted']);
    const [toBob] = await until('bob\'s copy', async () => (await corporate.inbox('bob@corporate.test')).length === 1 && corporate.inbox('bob@corporate.test'));
    assert.match(toBob, /^Return-Path: <alice@localisp\.test>\r\n/);
    assert.match(toBob, /Received: from mx\.localisp\.test \(.*127\.0\.0\.2/);
    assert.match(toBob, /Lunch: see you at noon\.\r\n$/);
    const [toCarol] = await until('carol\'s copy on the island', async () => (await island.inbox('carol@island.test')).length === 1 && island.inbox('carol@island.test'));
    // forwarded with SRS: the island sees corporate's domain in the reverse-path
    assert.match(toCarol, /^Return-Path: <SRS0=[^=]{4}=[A-Z2-7]{2}=localisp\.test=alice@corporate\.test>\r\n/);
    assert.equal((toCarol.match(/^Received: /gm) ?? []).length, 3, 'submission, localisp → corporate, corporate → island');
    assert.match(toCarol, /Lunch: see you at noon\.\r\n$/);
    // corporate says 251 for the moved user (RFC 5321 §3.4)
    const rcpt = await submitRaw('127.0.0.3', probe, 'carol@corporate.test');
    assert.match(rcpt, /^251 /);

    // 2. the next hop is down: the message waits, and arrives once when the hop is back
    await island.server!.close();
    await submit(['dave@island.test'], probe, 'Waiting');
    await until('a deferred attempt', async () => (await localisp.store.queue.list()).some((m) => m.recipients.some((r) => r.state === 'deferred' && /^421 4\.4\.1/.test(r.lastReply ?? ''))));
    await island.startServer();
    await until('dave\'s copy', async () => (await island.inbox('dave@island.test')).length === 1);
    await new Promise((r) => setTimeout(r, 800)); // several retry periods
    assert.equal((await island.inbox('dave@island.test')).length, 1, 'delivered exactly once');

    // 3. the next hop answers 550: alice gets a correct bounce
    await submit(['nobody@corporate.test'], probe, 'Typo');
    const bounce = await until('the bounce', async () => (await localisp.inbox('alice@localisp.test')).find((m) => m.includes('Undelivered Mail')));
    const top = parsePart(Buffer.from(bounce));
    assert.match(header(top, 'content-type') ?? '', /^multipart\/report; report-type=delivery-status/);
    assert.match(bounce, /^Return-Path: <>\r\n/);
    const parts = splitMultipart(top);
    const g = statusGroups(parts[1].body);
    assert.deepEqual(g[0].get('reporting-mta'), ['dns;mx.localisp.test']);
    assert.deepEqual(g[1].get('final-recipient'), ['rfc822;nobody@corporate.test']);
    assert.deepEqual(g[1].get('action'), ['failed']);
    assert.match(g[1].get('status')?.[0] ?? '', /^5\.1\.\d+$/);
    assert.deepEqual(g[1].get('remote-mta'), ['dns;mx.corporate.test']);
    assert.match(g[1].get('diagnostic-code')?.[0] ?? '', /^smtp;550 5\.1\.\d+ /);
    assert.match(parts[2].body.toString(), /Subject: Typo/);

    // 4. a hop that stays down past the delay warning: alice is told, once
    await island.server!.close();
    await submit(['dave@island.test'], probe, 'Patience');
    const notice = await until('the delay notice', async () => (await localisp.inbox('alice@localisp.test')).find((m) => m.includes('Delayed Mail')), 12_000);
    assert.deepEqual(statusGroups(splitMultipart(parsePart(Buffer.from(notice)))[1].body)[1].get('action'), ['delayed']);
    await island.startServer();
    await until('the delayed message', async () => (await island.inbox('dave@island.test')).length === 2);
    assert.equal((await localisp.inbox('alice@localisp.test')).filter((m) => m.includes('Delayed Mail')).length, 1);

    // 5. Postfix (Debian's) as a peer: it relays to the island, which delivers
    if (postfixAvailable()) {
      const pf = await startPostfix({ relayTo: probe, relayAddress: '127.0.0.4' });
      try {
        await deliverBatch(
          { key: 'pf', via: 'route', targets: [{ host: 'postfix.test', address: '127.0.0.1', port: pf.smtpdPort }], tls: 'off', auth: null },
          [{ sender: 'alice@localisp.test', recipients: [{ id: 1, address: 'dave@island.test', notify: null, orcpt: null }], data: Buffer.from('From: alice@localisp.test\r\nSubject: via Postfix\r\n\r\nhello\r\n'), envid: null, ret: null, body: '7BIT', smtputf8: false }],
          { hostname: 'mx.localisp.test', connectTimeoutMs: 2000, commandTimeoutMs: 5000, tls: 'off', auth: null, localAddress: '127.0.0.2' },
          async () => undefined,
        );
        const got = await until('mail from Postfix', async () => (await island.inbox('dave@island.test')).find((m) => m.includes('via Postfix')));
        assert.match(got, /Received: from postfix\.test/);
      } finally {
        await pf.stop();
      }
    }
  } finally {
    for (const i of all.reverse()) await i.close();
    await dns.close();
  }
});

/** A port free on 127.0.0.2, .3 and .4 alike. */
async function startSmtpProbePort(): Promise<number> {
  const net = await import('node:net');
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.2', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
    });
    const free = await Promise.all(['127.0.0.3', '127.0.0.4'].map((h) => new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, h, () => s.close(() => resolve(true)));
    })));
    if (free.every(Boolean)) return port;
  }
}

/** RCPT's reply for one address, from a plain SMTP conversation. */
async function submitRaw(address: string, port: number, rcpt: string): Promise<string> {
  const { SmtpConnection } = await import('../../src/mta/transport/connection.js');
  const { replyToString } = await import('../../src/protocol/smtp/reply.js');
  const c = await SmtpConnection.connect({ address, port, connectTimeoutMs: 2000, commandTimeoutMs: 5000 });
  try {
    await c.reply();
    c.write('EHLO probe.test\r\n');
    await c.reply();
    c.write('MAIL FROM:<probe@localisp.test>\r\n');
    await c.reply();
    c.write(`RCPT TO:<${rcpt}>\r\n`);
    const r = replyToString(await c.reply());
    c.write('QUIT\r\n');
    return r;
  } finally {
    c.close();
  }
}
