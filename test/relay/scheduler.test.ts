import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.js';
import { createResolver } from '../../src/mta/transport/resolver.js';
import { QueueScheduler, type SchedulerOptions } from '../../src/mta/queue/scheduler.js';
import { defaultPolicy } from '../../src/mta/queue/policy.js';
import { generateDkimKey } from '../../src/auth/dkim.js';
import { silentLogger } from '../../src/lib/log.js';
import { ProtocolError } from '../../src/lib/errors.js';
import { MemoryBlobs, MemoryQueue } from './memory-store.js';
import { startSink, type Sink, type SinkOptions } from './smtp-sink.js';
import { header, parsePart, splitMultipart, statusGroups } from './mime-check.js';

const HOUR = 3_600_000;
let dns: TestDnsServer;
before(async () => {
  dns = await startDnsServer({
    'corporate.test': { MX: [{ preference: 10, exchange: 'mx.corporate.test' }] },
    'mx.corporate.test': { A: ['127.0.0.1'] },
    'nomail.test': { MX: [{ preference: 0, exchange: '.' }] },
  });
});
after(() => dns.close());

const body = (extra = '') => Buffer.from(`${extra}From: Alice <alice@localisp.test>\r\nTo: bob@corporate.test\r\nSubject: Lunch\r\nMessage-ID: <m1@localisp.test>\r\n\r\nNoon?\r\n`);

interface Env {
  queue: MemoryQueue; blobs: MemoryBlobs; clock: { now: number }; sched: QueueScheduler; corp: Sink; home: Sink;
  enqueue(data: Buffer, rcpts: string[], over?: Partial<Parameters<MemoryQueue['enqueue']>[0]>): Promise<number>;
  close(): Promise<void>;
}

async function env(corpOpts: SinkOptions = {}, over: Partial<SchedulerOptions> = {}): Promise<Env> {
  const clock = { now: Date.UTC(2026, 10, 22, 8) };
  const queue = new MemoryQueue(() => clock.now);
  const blobs = new MemoryBlobs();
  const corp = await startSink(corpOpts);
  const home = await startSink({});
  const sched = new QueueScheduler({
    queue, blobs, hostname: 'mail.localisp.test', nodeId: 'n1', leaseMs: 60_000, pollIntervalMs: 1000, maxConnections: 10,
    routing: { port: corp.port, routes: { 'localisp.test': `127.0.0.1:${home.port}` } },
    resolver: createResolver({ servers: [dns.server], timeoutMs: 500, tries: 1 }),
    session: { connectTimeoutMs: 1000, commandTimeoutMs: 3000 },
    policy: defaultPolicy, log: silentLogger, now: () => clock.now, ...over,
  });
  return {
    queue, blobs, clock, sched, corp, home,
    async enqueue(data, rcpts, o = {}) {
      const blobId = await blobs.put(data);
      return queue.enqueue({ sender: 'alice@localisp.test', blobId, size: data.length, recipients: rcpts.map((address) => ({ address })), ...o });
    },
    async close() { await corp.close(); await home.close(); },
  };
}

function dsnOf(data: Buffer) {
  const top = parsePart(data);
  const parts = splitMultipart(top);
  return { top, parts, groups: statusGroups(parts[1].body) };
}

test('delivers by MX, one transaction for two recipients, then the queue is empty', async () => {
  const e = await env();
  try {
    await e.enqueue(body(), ['bob@corporate.test', 'carol@Corporate.test']);
    assert.equal(await e.sched.runOnce(), 2);
    assert.equal(e.corp.transactions.length, 1);
    assert.deepEqual(e.corp.transactions[0].rcpts, ['TO:<bob@corporate.test>', 'TO:<carol@Corporate.test>']);
    assert.equal((await e.queue.list()).length, 0);
    assert.equal(await e.sched.runOnce(), 0);
  } finally { await e.close(); }
});

test('a 550 bounces to the sender with a correct DSN; the bounce is not bounced again', async () => {
  const e = await env({ rcpt: (a) => (a.startsWith('ghost') ? '550 5.1.1 <ghost@corporate.test>: no such user' : '250 ok') });
  try {
    await e.enqueue(body(), ['bob@corporate.test', 'ghost@corporate.test'], { envid: 'E-42' });
    await e.sched.runOnce();
    const [bounce] = await e.queue.list();
    assert.equal(bounce.sender, '');
    assert.equal(bounce.isBounce, true);
    await e.sched.runOnce(); // delivers the bounce home
    assert.equal(e.home.transactions.length, 1);
    const tx = e.home.transactions[0];
    assert.equal(tx.mailFrom.split(' ')[0], 'FROM:<>');
    assert.deepEqual(tx.rcpts, ['TO:<alice@localisp.test>']);
    const d = dsnOf(tx.data);
    assert.equal(header(d.top, 'subject'), 'Undelivered Mail Returned to Sender');
    assert.deepEqual(d.groups[0].get('original-envelope-id'), ['E-42']);
    assert.equal(d.groups.length, 2, 'only the failed recipient is reported');
    assert.deepEqual(d.groups[1].get('final-recipient'), ['rfc822;ghost@corporate.test']);
    assert.deepEqual(d.groups[1].get('status'), ['5.1.1']);
    assert.deepEqual(d.groups[1].get('remote-mta'), ['dns;mx.corporate.test']);
    assert.deepEqual(d.groups[1].get('diagnostic-code'), ['smtp;550 5.1.1 <ghost@corporate.test>: no such user']);
    assert.match(d.parts[2].body.toString(), /Subject: Lunch[\s\S]*Noon\?/);
    // now the bounce itself fails: it is dropped, never bounced
    await e.enqueue(body(), ['ghost@corporate.test'], { sender: '', isBounce: true });
    await e.sched.runOnce();
    assert.equal((await e.queue.list()).length, 0);
  } finally { await e.close(); }
});

test('a hop that is down: deferred on the schedule, delivered exactly once when back', async () => {
  const e = await env();
  const port = e.corp.port;
  await e.corp.close();
  try {
    await e.enqueue(body(), ['bob@corporate.test']);
    await e.sched.runOnce();
    let [m] = await e.queue.list();
    assert.equal(m.recipients[0].state, 'deferred');
    assert.equal(m.recipients[0].nextAttempt, e.clock.now + 5 * 60_000);
    assert.match(m.recipients[0].lastReply ?? '', /^421 4\.4\.1/);
    assert.equal(await e.sched.runOnce(), 0, 'not due yet');
    e.clock.now += 5 * 60_000;
    await e.sched.runOnce();
    [m] = await e.queue.list();
    assert.equal(m.recipients[0].nextAttempt, e.clock.now + 10 * 60_000, 'doubling');
    const back = await startSink({ host: '127.0.0.1' });
    const sched2 = new QueueScheduler({ ...(e.sched as unknown as { o: SchedulerOptions }).o, routing: { port: back.port, routes: {} } });
    e.clock.now += 10 * 60_000;
    await sched2.runOnce();
    await sched2.runOnce();
    assert.equal(back.transactions.length, 1);
    assert.equal((await e.queue.list()).length, 0);
    await back.close();
    void port;
  } finally { await e.close(); }
});

test('past the delay warning the sender gets one "delayed" notice; past max age a failure', async () => {
  const e = await env({ rcpt: () => '451 4.3.0 greylisted' });
  try {
    await e.enqueue(body(), ['bob@corporate.test'], { ret: 'FULL' });
    await e.sched.runOnce();
    e.clock.now += 4 * HOUR;
    await e.sched.runOnce();
    const msgs = await e.queue.list();
    assert.equal(msgs.length, 2);
    const notice = msgs.find((m) => m.isBounce)!;
    const d = dsnOf(await e.blobs.get(notice.blobId));
    assert.equal(header(d.top, 'subject'), 'Delayed Mail (still being retried)');
    assert.deepEqual(d.groups[1].get('action'), ['delayed']);
    assert.deepEqual(d.groups[1].get('status'), ['4.3.0']);
    assert.ok(d.groups[1].get('will-retry-until'));
    assert.equal(header(d.parts[2], 'content-type'), 'text/rfc822-headers');
    await e.sched.runOnce(); // the notice goes home
    e.clock.now += HOUR;
    await e.sched.runOnce();
    assert.equal((await e.queue.list()).filter((m) => m.isBounce).length, 0, 'only one delay notice');
    e.clock.now += 5 * 24 * HOUR;
    await e.sched.runOnce();
    await e.sched.runOnce();
    const subjects = e.home.transactions.map((t) => header(parsePart(t.data), 'subject'));
    assert.deepEqual(subjects, ['Delayed Mail (still being retried)', 'Undelivered Mail Returned to Sender']);
  } finally { await e.close(); }
});

test('a loop (31 Received) and a null MX fail at once without a connection', async () => {
  const e = await env();
  try {
    await e.enqueue(body('Received: from x by y; Sun, 22 Nov 2026 07:00:00 +0000\r\n'.repeat(31)), ['bob@corporate.test']);
    await e.enqueue(body(), ['x@nomail.test'], { ret: 'HDRS' });
    await e.sched.runOnce();
    assert.equal(e.corp.connections, 0);
    await e.sched.runOnce();
    const statuses = e.home.transactions.map((t) => dsnOf(t.data).groups[1].get('status')?.[0]).sort();
    assert.deepEqual(statuses, ['5.1.10', '5.4.6']);
  } finally { await e.close(); }
});

test('NOTIFY=SUCCESS to a hop without DSN gives a "relayed" notice; NOTIFY=NEVER silences failures', async () => {
  const e = await env({ extensions: ['PIPELINING'], rcpt: (a) => (a.startsWith('ghost') ? '550 5.1.1 no' : '250 ok') });
  try {
    const blobId = await e.blobs.put(body());
    await e.queue.enqueue({ sender: 'alice@localisp.test', blobId, size: 10, recipients: [{ address: 'bob@corporate.test', notify: ['SUCCESS'] }, { address: 'ghost@corporate.test', notify: ['NEVER'] }] });
    await e.sched.runOnce();
    await e.sched.runOnce();
    assert.equal(e.home.transactions.length, 1);
    const d = dsnOf(e.home.transactions[0].data);
    assert.equal(header(d.top, 'subject'), 'Successful Mail Delivery Report');
    assert.deepEqual(d.groups[1].get('action'), ['relayed']);
    assert.equal(d.groups.length, 2);
  } finally { await e.close(); }
});

test('outbound mail of a domain with a key is DKIM-signed (d= the From domain)', async () => {
  const key = generateDkimKey('localisp.test', 'ed1', 'ed25519');
  const e = await env({}, { dkimKeys: new Map([['localisp.test', [key]]]) });
  try {
    await e.enqueue(body(), ['bob@corporate.test']);
    await e.sched.runOnce();
    assert.match(e.corp.transactions[0].data.toString(), /^DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed\/relaxed; d=localisp\.test;/);
    assert.ok(e.corp.transactions[0].data.toString().endsWith(body().toString()));
  } finally { await e.close(); }
});

test('two schedulers on one queue deliver each recipient once', async () => {
  const e = await env();
  try {
    for (let i = 0; i < 20; i++) await e.enqueue(body(), [`u${i}@corporate.test`]);
    const other = new QueueScheduler({ ...(e.sched as unknown as { o: SchedulerOptions }).o, nodeId: 'n2' });
    await Promise.all([e.sched.runOnce(), other.runOnce(), e.sched.runOnce()]);
    assert.equal(e.corp.transactions.length, 20);
    assert.equal(new Set(e.corp.transactions.map((t) => t.rcpts[0])).size, 20);
  } finally { await e.close(); }
});

test('start/kick/stop: a kicked scheduler delivers new mail without waiting for the poll', async () => {
  const e = await env({}, { pollIntervalMs: 60_000, now: () => Date.now() });
  try {
    e.sched.start();
    await e.enqueue(body(), ['bob@corporate.test']);
    e.queue.rcpts.forEach((r) => { r.nextAttempt = 0; });
    e.sched.kick();
    for (let i = 0; i < 100 && e.corp.transactions.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(e.corp.transactions.length, 1);
  } finally {
    await e.sched.stop();
    await e.close();
  }
});

test('SRS: a forwarded message from a foreign sender leaves with an SRS0 reverse-path', async () => {
  const srs = { options: { secrets: ['k'], domain: 'localisp.test' }, isLocalDomain: async (d: string) => d === 'localisp.test' };
  const e = await env({}, { srs });
  try {
    await e.enqueue(body(), ['bob@corporate.test'], { sender: 'someone@elsewhere.test' });
    await e.enqueue(body(), ['bob@corporate.test']);
    await e.sched.runOnce();
    const froms = e.corp.transactions.map((t) => t.mailFrom.split(' ')[0]).sort();
    assert.match(froms[0], /^FROM:<SRS0=[^=]{4}=[A-Z2-7]{2}=elsewhere\.test=someone@localisp\.test>$/);
    const { srsReverse } = await import('../../src/auth/srs.js');
    assert.deepEqual(srsReverse(froms[0].slice(6, -1), srs.options), { ok: true, address: 'someone@elsewhere.test' });
    assert.equal(froms[1], 'FROM:<alice@localisp.test>');
  } finally { await e.close(); }
});

test('recipients in our own domains are delivered locally, never over the network', async () => {
  const got: string[] = [];
  const local = {
    isLocalDomain: async (d: string) => d === 'localisp.test',
    deliver: async (_raw: Buffer, sender: string, rcpt: string) => {
      if (rcpt.startsWith('gone')) throw new ProtocolError(550, '5.1.1', 'no such user');
      got.push(`${sender}>${rcpt}`);
    },
  };
  const e = await env({ rcpt: (a) => (a.startsWith('ghost') ? '550 5.1.1 no' : '250 ok') }, { local });
  try {
    await e.enqueue(body(), ['ghost@corporate.test', 'carol@localisp.test', 'gone@localisp.test']);
    await e.sched.runOnce();
    await e.sched.runOnce(); // the bounce to alice@localisp.test is delivered locally too
    // one notice for the local failure, one for the remote one (RFC 3464 §2: several DSNs may report on one message)
    assert.deepEqual(got, ['alice@localisp.test>carol@localisp.test', '>alice@localisp.test', '>alice@localisp.test']);
    assert.equal(e.home.connections, 0);
    assert.equal((await e.queue.list()).length, 0);
  } finally { await e.close(); }
});

test('the DKIM signing domain comes from the From address, not its display name', async () => {
  const { fromDomain } = await import('../../src/mta/queue/scheduler.js');
  assert.equal(fromDomain(Buffer.from('From: "bob@evil.test" <Alice@LocalISP.test>\r\n\r\n')), 'localisp.test');
  assert.equal(fromDomain(Buffer.from('Subject: x\r\nFrom: alice@localisp.test\r\n\r\n')), 'localisp.test');
  assert.equal(fromDomain(Buffer.from('Subject: x\r\n\r\nFrom: body@x.test\r\n')), null);
});
