/**
 * Store benchmarks, for each backend (PostgreSQL skipped when unreachable):
 *  - append of 10,000 messages of 10 KB, durable (batches of 100 per transaction, the
 *    batch's blobs written concurrently while the previous batch commits);
 *  - reading the flags of every message of a 100,000-message mailbox;
 *  - setting a flag on 1,000 messages.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../src/store/open.js';
import type { NewMessage, Store } from '../src/store/types.js';
import { pgAvailable, pgBaseUrl } from '../test/support/pg.js';

const APPEND_COUNT = 10_000;
const BATCH = 100;
const BIG_MAILBOX = 100_000;

function message(i: number): Buffer {
  const head = `From: bench@example.test\r\nTo: user@example.test\r\nSubject: bench ${i}\r\n\r\n`;
  return Buffer.from(head + `${i} `.padEnd(10 * 1024 - head.length - 2, 'x') + '\r\n');
}

async function mailbox(store: Store, name: string): Promise<{ accountId: number; inbox: number }> {
  const domain = `${name}.bench.test`;
  await store.directory.addDomain(domain);
  const acc = await store.directory.addAccount({ address: `u@${domain}`, passwordHash: 'x' });
  const mb = await store.mail.getMailbox(acc.id, 'INBOX');
  if (!mb) throw new Error('no INBOX');
  return { accountId: acc.id, inbox: mb.id };
}

async function putBatch(store: Store, from: number): Promise<NewMessage[]> {
  return Promise.all(Array.from({ length: BATCH }, async (_, k) => {
    const raw = message(from + k);
    const blobId = await store.blobs.put(raw);
    return { blobId, size: raw.length, internalDate: Date.now(), flags: [], metadata: '{}', searchText: `bench ${from + k} example` };
  }));
}

async function benchAppend(store: Store, label: string): Promise<void> {
  const { inbox } = await mailbox(store, 'append');
  const all: NewMessage[] = [];
  const start = performance.now();
  let next = putBatch(store, 0);
  for (let i = 0; i < APPEND_COUNT; i += BATCH) {
    const batch = await next;
    if (i + BATCH < APPEND_COUNT) next = putBatch(store, i + BATCH);
    await store.mail.append(batch.map((message) => ({ mailboxId: inbox, message })));
    all.push(...batch);
  }
  const secs = (performance.now() - start) / 1000;
  console.log(`${label} append 10,000 x 10 KB (durable, ${BATCH}/commit): ${Math.round(APPEND_COUNT / secs)} msg/s`);
  // The two halves of that figure: rows alone (blobs already stored), and blobs alone.
  const { inbox: other } = await mailbox(store, 'rows');
  const t0 = performance.now();
  for (let i = 0; i < APPEND_COUNT; i += BATCH) await store.mail.append(all.slice(i, i + BATCH).map((message) => ({ mailboxId: other, message })));
  console.log(`${label} append rows only (blobs stored before, ${BATCH}/commit): ${Math.round(APPEND_COUNT / ((performance.now() - t0) / 1000))} msg/s`);
  const t1 = performance.now();
  for (let i = 0; i < 2000; i += BATCH) await putBatch(store, APPEND_COUNT + i);
  console.log(`${label} blob put only (2,000 new 10 KB blobs, ${BATCH} at a time): ${Math.round(2000 / ((performance.now() - t1) / 1000))} blob/s`);
}

async function benchFlags(store: Store, label: string): Promise<void> {
  const { inbox } = await mailbox(store, 'flags');
  const raw = message(0);
  const blobId = await store.blobs.put(raw);
  const fill = 2000;
  for (let i = 0; i < BIG_MAILBOX; i += fill) {
    await store.mail.append(Array.from({ length: fill }, (_, k) => ({
      mailboxId: inbox,
      message: { blobId, size: raw.length, internalDate: Date.now(), flags: (i + k) % 3 === 0 ? ['\\Seen'] : [], metadata: '{}', searchText: '' },
    })));
  }
  await store.mail.listFlags(inbox); // warm the cache: measure the read, not the disk
  let best = Infinity;
  let bestCpu = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const flags = await store.mail.listFlags(inbox);
    const c1 = process.cpuUsage(c0);
    best = Math.min(best, performance.now() - t0);
    bestCpu = Math.min(bestCpu, (c1.user + c1.system) / 1000);
    if (flags.length !== BIG_MAILBOX) throw new Error(`read ${flags.length} rows`);
  }
  console.log(`${label} read flags of 100,000 messages (best of 3): ${best.toFixed(1)} ms`);
  // On a shared machine wall time includes waiting for a CPU; this process's own CPU time
  // (for PostgreSQL: the client side only) shows what the read costs on an idle one.
  console.log(`${label} read flags of 100,000 messages, CPU time of this process: ${bestCpu.toFixed(1)} ms`);
  const t2 = performance.now();
  const r = await store.mail.storeFlags(inbox, [[5001, 6000]], 'add', ['\\Flagged']);
  const t3 = performance.now();
  if (r.updated.length !== 1000) throw new Error(`flagged ${r.updated.length}`);
  console.log(`${label} set a flag on 1,000 messages: ${(t3 - t2).toFixed(1)} ms`);
}

async function sqlite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-bench-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'posthorn.db')}`, dataDir: dir });
  try {
    await benchAppend(store, 'sqlite');
    await benchFlags(store, 'sqlite');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgres(): Promise<void> {
  if (!(await pgAvailable())) return;
  const schema = `posthorn_bench_${randomBytes(4).toString('hex')}`;
  const base = pgBaseUrl();
  const store = await openStore({ url: `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`, dataDir: '/nonexistent' });
  try {
    await benchAppend(store, 'postgres');
    await benchFlags(store, 'postgres');
  } finally {
    await store.close();
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  }
}

export async function run(): Promise<void> {
  // Figures depend on how busy the machine is; say so next to them.
  console.log(`load average at start: ${loadavg()[0].toFixed(1)} (${cpus().length} CPUs)`);
  await sqlite();
  await postgres();
}
