/**
 * The scheduler on the real stores: SQLite end to end, and two nodes sharing one
 * PostgreSQL queue (each in its own schema): every recipient delivered exactly once, and a
 * claim left by a node that died is taken over only after its lease ran out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';
import { QueueScheduler } from '../../src/mta/queue/scheduler.js';
import { defaultPolicy } from '../../src/mta/queue/policy.js';
import { createResolver } from '../../src/mta/transport/resolver.js';
import { silentLogger } from '../../src/lib/log.js';
import { pgAvailable, pgBaseUrl } from '../support/pg.js';
import { startSink, type Sink } from './smtp-sink.js';
import { header, parsePart } from './mime-check.js';

const body = Buffer.from('From: alice@localisp.test\r\nTo: bob@corporate.test\r\nSubject: stored\r\n\r\nHello.\r\n');

function scheduler(store: Store, node: string, sink: Sink, home: Sink, now?: () => number): QueueScheduler {
  return new QueueScheduler({
    queue: store.queue, blobs: store.blobs, hostname: 'mail.localisp.test', nodeId: node, leaseMs: 60_000, pollIntervalMs: 1000,
    maxConnections: 5, batchSize: 7,
    routing: { port: 25, routes: { 'corporate.test': `127.0.0.1:${sink.port}`, 'localisp.test': `127.0.0.1:${home.port}` } },
    resolver: createResolver(), session: { connectTimeoutMs: 1000, commandTimeoutMs: 3000 }, policy: defaultPolicy, log: silentLogger, now,
  });
}

async function enqueue(store: Store, rcpts: string[]): Promise<number> {
  const blobId = await store.blobs.put(body);
  return store.queue.enqueue({ sender: 'alice@localisp.test', blobId, size: body.length, recipients: rcpts.map((address) => ({ address })) });
}

test('SQLite store: delivery, a bounce enqueued and delivered, the queue emptied', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'posthorn-relay-sqlite-'));
  const sink = await startSink({ rcpt: (a) => (a.startsWith('ghost') ? '550 5.1.1 no such user' : '250 ok') });
  const home = await startSink({});
  const store = await openStore({ url: `sqlite:${join(dir, 'posthorn.db')}`, dataDir: dir });
  try {
    await enqueue(store, ['bob@corporate.test', 'ghost@corporate.test']);
    const s = scheduler(store, 'n1', sink, home);
    await s.runOnce();
    const left = await store.queue.list();
    assert.equal(left.length, 1, 'the original is finished and removed; the bounce waits');
    assert.equal(left[0].isBounce, true);
    await s.runOnce();
    assert.equal(sink.transactions.length, 1);
    assert.equal(home.transactions.length, 1);
    assert.equal(header(parsePart(home.transactions[0].data), 'subject'), 'Undelivered Mail Returned to Sender');
    assert.equal((await store.queue.list()).length, 0);
  } finally {
    await store.close();
    await sink.close();
    await home.close();
    await rm(dir, { recursive: true, force: true });
  }
});

const pgOk = await pgAvailable();

test('PostgreSQL: two nodes share one queue without a duplicate; a dead node\'s claim expires', { skip: pgOk ? false : 'PostgreSQL not reachable' }, async () => {
  const schema = `posthorn_relay_${process.pid}_${randomBytes(4).toString('hex')}`;
  const base = pgBaseUrl();
  const url = `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
  const sink = await startSink({});
  const home = await startSink({});
  const a = await openStore({ url, dataDir: '/nonexistent' });
  const b = await openStore({ url, dataDir: '/nonexistent' });
  try {
    for (let i = 0; i < 30; i++) await enqueue(a, [`u${i}@corporate.test`, `v${i}@corporate.test`]);
    const na = scheduler(a, 'node-a', sink, home);
    const nb = scheduler(b, 'node-b', sink, home);
    const drain = async (s: QueueScheduler) => { while ((await s.runOnce()) > 0); };
    await Promise.all([drain(na), drain(nb), drain(na)]);
    const rcpts = sink.transactions.flatMap((t) => t.rcpts);
    assert.equal(rcpts.length, 60);
    assert.equal(new Set(rcpts).size, 60, 'no recipient delivered twice');
    assert.equal((await a.queue.list()).length, 0);

    // node A claims and dies before recording anything
    await enqueue(a, ['late@corporate.test']);
    const t = Date.now() + 1000;
    assert.equal((await a.queue.claimDue(t, 10, 'node-a', 60_000)).length, 1);
    const later = scheduler(b, 'node-b', sink, home, () => t + 30_000);
    assert.equal(await later.runOnce(), 0, 'the lease still holds');
    const after = scheduler(b, 'node-b', sink, home, () => t + 60_001);
    assert.equal(await after.runOnce(), 1, 'taken over once the lease ran out');
    assert.equal(sink.transactions.filter((x) => x.rcpts[0].includes('late')).length, 1);
  } finally {
    await a.close();
    await b.close();
    await sink.close();
    await home.close();
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    try { await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`); } finally { await c.end(); }
  }
});

test('SQLite recordAttempts: many outcomes in one transaction, each row as recordAttempt would leave it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'posthorn-relay-batch-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'posthorn.db')}`, dataDir: dir });
  try {
    const id = await enqueue(store, ['a@corporate.test', 'b@corporate.test', 'c@corporate.test', 'd@corporate.test']);
    const claimed = await store.queue.claimDue(Date.now(), 10, 'n1', 60_000);
    const [a, b, c, d] = claimed[0].recipients.map((r) => r.id);
    const ok = { state: 'delivered' as const, reply: '250 2.0.0 ok', remoteMta: 'mx.corporate.test', at: 1000 };
    assert.ok(store.queue.recordAttempts, 'the SQL store offers the batch method');
    await store.queue.recordAttempts!([
      { recipientId: a, result: ok },
      { recipientId: b, result: ok },
      { recipientId: c, result: { state: 'deferred', reply: '451 4.3.0 later', remoteMta: 'mx.corporate.test', at: 1000, nextAttempt: 9000, delayNotified: true } },
    ]);
    const m = (await store.queue.get(id))!;
    const by = new Map(m.recipients.map((r) => [r.id, r]));
    for (const x of [a, b]) assert.deepEqual([by.get(x)!.state, by.get(x)!.lastReply, by.get(x)!.attempts, by.get(x)!.lastAttempt], ['delivered', '250 2.0.0 ok', 1, 1000]);
    assert.deepEqual([by.get(c)!.state, by.get(c)!.nextAttempt, by.get(c)!.delayNotified, by.get(c)!.attempts], ['deferred', 9000, true, 1]);
    assert.deepEqual([by.get(d)!.state, by.get(d)!.attempts], ['queued', 0]);
    // c's lease was released (recorded), d's is still held by n1
    const again = await store.queue.claimDue(10_000, 10, 'n2', 60_000);
    assert.deepEqual(again.flatMap((x) => x.recipients.map((r) => r.id)), [c]);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
