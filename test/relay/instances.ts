/**
 * Posthorn instances for the relay stories on loopback: each with its own SQLite store,
 * SMTP server (mode mx, relaying for 127.0.0.1) on its own 127.0.0.x address, queue runner
 * with SRS (what the runner signs, ingest reverses) and an ingest that kicks the runner when
 * it queues; plus the helpers the stories share (waiting, submitting, one RCPT probe).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';
import { configSchema } from '../../src/config/schema.js';
import { ChangeBus } from '../../src/mail/changes.js';
import { deliver } from '../../src/mail/deliver.js';
import { createIngest, type IngestOptions } from '../../src/mta/ingest/ingest.js';
import type { Ingest } from '../../src/mta/ingest/types.js';
import { startSmtpServer } from '../../src/server/smtp/index.js';
import type { RunningServer } from '../../src/server/types.js';
import { startQueueRunner, type RunningQueue } from '../../src/mta/queue/runner.js';
import { deliverBatch } from '../../src/mta/transport/deliver.js';
import { localDelivery } from '../../src/mta/transport/local.js';
import { silentLogger } from '../../src/lib/log.js';
import { startDnsServer } from '../support/dns-server.js';

export interface Instance {
  name: string;
  ip: string;
  store: Store;
  ingest: Ingest;
  server: RunningServer | null;
  queue: RunningQueue;
  dir: string;
  startServer(): Promise<void>;
  /** The messages in a mailbox of `address` (INBOX by default), oldest first. */
  inbox(address: string, mailbox?: string): Promise<string[]>;
  close(): Promise<void>;
}

let pemOnce: ReturnType<typeof generate> | null = null;

export async function instance(domain: string, ip: string, port: number, dnsServer: string, setup: (s: Store) => Promise<void>, extra: Partial<IngestOptions> = {}): Promise<Instance> {
  const dir = await mkdtemp(join(tmpdir(), `story-${domain}-`));
  const store = await openStore({ url: `sqlite:${join(dir, 'posthorn.db')}`, dataDir: dir });
  await store.directory.addDomain(domain);
  await setup(store);
  const hostname = `mx.${domain}`;
  const bus = new ChangeBus(store.events);
  const srs = { secrets: [`secret-${domain}`], domain };
  let kick = (): void => undefined;
  const ingest = createIngest({ store, bus, hostname, deliver: (ctx, raw, targets) => deliver(ctx, raw, targets), srs, onQueued: () => kick(), ...extra });
  pemOnce ??= generate([{ name: 'commonName', value: 'mx.story.test' }], { keySize: 2048 });
  const pem = await pemOnce;
  const config = configSchema.parse({
    hostname,
    dns: { servers: [dnsServer], timeout: '1s' },
    outbound: { port, connect_timeout: '1s', command_timeout: '5s' },
    queue: { retry: ['300ms'], delay_warning: '1500ms', max_age: '5d', poll_interval: '100ms', lease: '30s' },
  });
  const queue = await startQueueRunner({
    config, dataDir: dir, store, log: silentLogger, localAddress: ip, srs,
    deliverLocal: localDelivery(ingest, hostname),
  });
  kick = () => queue.kick();
  const inst: Instance = {
    name: domain, ip, store, ingest, server: null, queue, dir,
    async startServer() {
      inst.server = await startSmtpServer({
        host: ip, port, implicitTls: false, hostname, tls: { key: pem.private, cert: pem.cert }, store, bus, log: silentLogger,
        allowPlaintextOnLoopback: true, mode: 'mx', maxMessageSize: 10_000_000, maxRecipients: 100, relayNetworks: ['127.0.0.1'],
        maxConnectionsPerIp: 50, ingest,
      });
    },
    async inbox(address, mailbox = 'INBOX') {
      const acct = await store.directory.getAccount(address);
      const box = await store.mail.getMailbox(acct!.id, mailbox);
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

export async function until<T>(what: string, fn: () => Promise<T | null | false | undefined>, ms = 8000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Alice submits over SMTP from 127.0.0.1 (a relay network of localisp). */
export async function submit(to: string[], port: number, subject: string): Promise<string[]> {
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

/** A port free on 127.0.0.2, .3 and .4 alike. */
export async function startSmtpProbePort(): Promise<number> {
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
export async function submitRaw(address: string, port: number, rcpt: string): Promise<string> {
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

export interface ThreeIsps {
  localisp: Instance;
  corporate: Instance;
  island: Instance;
  /** The one SMTP port all three listen on, each on its own address. */
  port: number;
  close(): Promise<void>;
}

/**
 * The three instances of issue 4's story — localisp.test (127.0.0.2), corporate.test
 * (127.0.0.3), island.test (127.0.0.4) — on one port, with a DNS responder answering their
 * MX and A records plus `zones`. `setup` fills each store (accounts, forwards).
 */
export async function threeIsps(
  setup: Record<'localisp' | 'corporate' | 'island', (s: Store) => Promise<void>>,
  zones: Parameters<typeof startDnsServer>[0] = {},
): Promise<ThreeIsps> {
  const dns = await startDnsServer({
    'localisp.test': { MX: [{ preference: 10, exchange: 'mx.localisp.test' }] },
    'mx.localisp.test': { A: ['127.0.0.2'] },
    'corporate.test': { MX: [{ preference: 10, exchange: 'mx.corporate.test' }] },
    'mx.corporate.test': { A: ['127.0.0.3'] },
    'island.test': { MX: [{ preference: 10, exchange: 'mx.island.test' }] },
    'mx.island.test': { A: ['127.0.0.4'] },
    ...zones,
  });
  // one port for all three, on three addresses (the MX records give only addresses)
  const port = await startSmtpProbePort();
  const all: Instance[] = [];
  const close = async () => {
    for (const i of all.reverse()) await i.close();
    await dns.close();
  };
  try {
    all.push(await instance('localisp.test', '127.0.0.2', port, dns.server, setup.localisp));
    all.push(await instance('corporate.test', '127.0.0.3', port, dns.server, setup.corporate));
    all.push(await instance('island.test', '127.0.0.4', port, dns.server, setup.island));
  } catch (err) {
    await close();
    throw err;
  }
  const [localisp, corporate, island] = all;
  return { localisp, corporate, island, port, close };
}
