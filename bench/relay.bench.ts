/**
 * Relay throughput: messages per second from the outbound queue to an SMTP sink that
 * accepts everything — Postfix's smtp-sink when installed, else our own test sink — with
 * 100 recipients on 10 destination domains (one recipient per message, cycling), all routed
 * to the sink. Then, where Postfix is installed, a private Postfix instance relaying the
 * same load to the same sink: queue → sink (mail held with defer_transports, then flushed)
 * and end to end (smtp-source → Postfix → sink).
 *
 * RELAY_BENCH_MESSAGES (default 10000, like the SMTP bench) sets the load; a short load of
 * 2000 weighs start-up more (connections opened, code not yet optimised: ~1,900 msg/s
 * against ~2,800 at 10000 here; Postfix ~670 and ~600). Ours runs twice: on the SQLite store
 * (outcomes group-committed with recordAttempts: one fsync per batch of replies) and on an
 * in-memory queue (the transport alone).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueScheduler } from '../src/mta/queue/scheduler.js';
import { defaultPolicy } from '../src/mta/queue/policy.js';
import { createResolver } from '../src/mta/transport/resolver.js';
import { silentLogger } from '../src/lib/log.js';
import type { BlobStore, QueueStore } from '../src/store/types.js';
import { MemoryBlobs, MemoryQueue } from '../test/relay/memory-store.js';
import { startSink } from '../test/relay/smtp-sink.js';
import { freePort, postfixAvailable, startPostfix, type PostfixInstance } from '../test/relay/postfix-instance.js';

const N = Number(process.env.RELAY_BENCH_MESSAGES ?? 10000);
const DOMAINS = Array.from({ length: 10 }, (_, i) => `dest${i}.test`);
const RCPTS = Array.from({ length: 100 }, (_, i) => `user${i}@${DOMAINS[i % 10]}`);
const BODY = Buffer.from(`From: bench@localisp.test\r\nTo: someone@dest.test\r\nSubject: relay bench\r\nMessage-ID: <bench@localisp.test>\r\n\r\n${'The quick brown fox jumps over the lazy dog.\r\n'.repeat(20)}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function smtpSink(): Promise<{ port: number; label: string; stop(): Promise<void> }> {
  if (existsSync('/usr/sbin/smtp-sink')) {
    const port = await freePort();
    const child: ChildProcess = spawn('/usr/sbin/smtp-sink', ['-u', 'nobody', `127.0.0.1:${port}`, '1024'], { stdio: 'ignore' });
    await sleep(300);
    return { port, label: 'postfix smtp-sink', stop: async () => { child.kill('SIGTERM'); await sleep(100); } };
  }
  const s = await startSink({ record: false, extensions: ['PIPELINING', '8BITMIME', 'SIZE 0'] });
  return { port: s.port, label: 'posthorn test sink', stop: () => s.close() };
}

async function openQueue(dir: string, memory: boolean): Promise<{ queue: QueueStore; blobs: BlobStore; label: string; close(): Promise<void> }> {
  const mod = new URL('../src/store/open.ts', import.meta.url);
  if (!memory && existsSync(mod)) {
    const { openStore } = (await import(mod.href)) as { openStore: (o: { url: string; dataDir: string }) => Promise<{ queue: QueueStore; blobs: BlobStore; close(): Promise<void> }> };
    const store = await openStore({ url: `sqlite:${join(dir, 'posthorn.db')}`, dataDir: dir });
    return { queue: store.queue, blobs: store.blobs, label: 'SQLite store', close: () => store.close() };
  }
  return { queue: new MemoryQueue(), blobs: new MemoryBlobs(), label: 'in-memory queue', close: async () => undefined };
}

async function posthorn(sinkPort: number, memory: boolean): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'posthorn-relay-bench-'));
  const q = await openQueue(dir, memory);
  try {
    const blobId = await q.blobs.put(BODY);
    for (let i = 0; i < N; i++) await q.queue.enqueue({ sender: 'bench@localisp.test', blobId, size: BODY.length, recipients: [{ address: RCPTS[i % RCPTS.length] }] });
    let delivered = 0;
    const record = q.queue.recordAttempt.bind(q.queue);
    q.queue.recordAttempt = async (id, r) => { if (r.state === 'delivered') delivered++; return record(id, r); };
    const batch = q.queue.recordAttempts?.bind(q.queue);
    if (batch) q.queue.recordAttempts = async (items) => { delivered += items.filter((x) => x.result.state === 'delivered').length; return batch(items); };
    const sched = new QueueScheduler({
      queue: q.queue, blobs: q.blobs, hostname: 'bench.localisp.test', nodeId: 'bench', leaseMs: 600_000, pollIntervalMs: 1000,
      maxConnections: 20, batchSize: 1000,
      routing: { port: 25, routes: Object.fromEntries(DOMAINS.map((d) => [d, `127.0.0.1:${sinkPort}`])) },
      resolver: createResolver(), session: { connectTimeoutMs: 5000, commandTimeoutMs: 30_000 }, policy: defaultPolicy,
      log: silentLogger,
    });
    const t0 = performance.now();
    while ((await sched.runOnce()) > 0);
    const secs = (performance.now() - t0) / 1000;
    console.log(`posthorn queue → sink (${q.label}): ${(N / secs).toFixed(0)} msg/s`);
    console.log(`posthorn delivered: ${delivered} of ${N} recipients`);
    return N / secs;
  } finally {
    await q.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A private Postfix instance relaying everything to the same sink. */
async function postfix(sinkPort: number): Promise<number | null> {
  let pf: PostfixInstance;
  try {
    // 1. queue → sink: hold the mail (defer_transports), then flush it and time the deliveries
    pf = await startPostfix({ relayTo: sinkPort, extra: ['defer_transports = smtp relay'] });
  } catch {
    console.log('postfix: could not start a private instance (skipped)');
    return null;
  }
  const waitSent = async (n: number, limitMs: number) => {
    const t0 = performance.now();
    while ((await pf.sent()) < n && performance.now() - t0 < limitMs) await sleep(50);
  };
  try {
    // the same load as ours: the messages spread over the 100 recipients on 10 domains (one
    // smtp-source per recipient, as it takes one -t), so Postfix's per-destination
    // concurrency sees 10 destinations too
    const src = (m: number) => {
      for (let i = 0; i < RCPTS.length; i++) {
        const share = Math.floor(m / RCPTS.length) + (i < m % RCPTS.length ? 1 : 0);
        if (share > 0) spawnSync('/usr/sbin/smtp-source', ['-m', String(share), '-s', '5', '-f', 'bench@localisp.test', '-t', RCPTS[i], `127.0.0.1:${pf.smtpdPort}`]);
      }
    };
    src(N);
    await pf.reconfigure([]);
    const t0 = performance.now();
    spawnSync('/usr/sbin/postqueue', ['-c', pf.etc, '-f']);
    await waitSent(N, 120_000);
    const rate = (await pf.sent()) / ((performance.now() - t0) / 1000);
    console.log(`postfix queue → sink: ${rate.toFixed(0)} msg/s (${await pf.sent()} of ${N})`);
    // 2. end to end: smtp-source → postfix smtpd → queue → sink
    const before = await pf.sent();
    const t1 = performance.now();
    src(N);
    await waitSent(before + N, 120_000);
    console.log(`postfix smtp-source → postfix → sink: ${(((await pf.sent()) - before) / ((performance.now() - t1) / 1000)).toFixed(0)} msg/s`);
    return rate;
  } finally {
    await pf.stop();
  }
}

export async function run(): Promise<void> {
  const sink = await smtpSink();
  console.log(`sink: ${sink.label}; load: ${N} messages, 100 recipients on 10 domains`);
  try {
    const ours = await posthorn(sink.port, false);
    await posthorn(sink.port, true); // the transport alone: no fsync per outcome
    if (postfixAvailable() && existsSync('/usr/sbin/smtp-source') && !process.env.NO_PF) {
      const theirs = await postfix(sink.port);
      if (theirs) console.log(`posthorn/postfix queue → sink: ${(ours / theirs).toFixed(2)}x`);
    } else console.log('postfix: not installed (or not root): comparison skipped');
  } finally {
    await sink.stop();
  }
}
