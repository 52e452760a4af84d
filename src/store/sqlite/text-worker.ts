/**
 * Trigram indexing on a worker thread. Moving a pending text into the FTS5 index is the
 * costliest statement of a delivery (~0.6 ms of CPU for 5 KB of text, sql/text.ts), and
 * better-sqlite3 runs it synchronously: on the event loop it takes a core's time from every
 * session. Here a worker with its own connection runs each batch (one IMMEDIATE
 * transaction: read the oldest pending texts, insert them into message_fts, delete them
 * from fts_pending), so the index is built on the machine's other core.
 *
 * The batch runs while this thread holds Kysely's one connection and the write gate
 * (`hold`, open.ts): no statement of ours, nor the message writer's (writer.ts), can then
 * meet the worker's write lock, whose busy wait would block the event loop. Sessions that need no SQL in the meantime go on. Indexing is
 * bookkeeping, never data: the worker's commit is not fsynced by itself (synchronous=NORMAL;
 * the next fsynced commit of the WAL covers it), and after a crash a text that was not
 * moved is still pending. If the worker fails, the indexer goes back to indexing on the
 * event loop (text-indexer.ts).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { IndexBatch } from '../sql/text-indexer.js';
import type { HoldConnection } from './checkpointer.js';
import { WorkerCalls, type Failed } from '../../lib/worker-calls.js';

// Plain JavaScript evaluated in the worker (no TypeScript loader there).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 10000');
db.pragma('synchronous = NORMAL');
const pending = db.prepare('SELECT id, body FROM fts_pending ORDER BY id LIMIT ?');
const insert = db.prepare('INSERT INTO message_fts (rowid, body) VALUES (?, ?)');
const done = db.prepare('DELETE FROM fts_pending WHERE id <= ?');
const batch = db.transaction((limit) => {
  const rows = pending.all(limit);
  for (const r of rows) insert.run(r.id, r.body);
  if (rows.length > 0) done.run(rows[rows.length - 1].id);
  return rows.length;
});
parentPort.on('message', (m) => {
  if (m === 'close') { db.close(); parentPort.close(); return; }
  try { const t0 = performance.now(); const moved = batch.immediate(m); parentPort.postMessage({ moved, took: performance.now() - t0 }); }
  catch (err) { parentPort.postMessage({ error: String(err) }); }
});
`;

type Moved = { moved: number; took: number };

export class TextWorker {
  private worker: Worker | null = null;
  private calls: WorkerCalls<Moved> | null = null;
  private failed = false;

  constructor(private readonly path: string, private readonly hold: HoldConnection, private readonly wrote: () => void) {}

  /** The batch runner for TextIndexer, or null once the worker has failed. */
  get batch(): IndexBatch | null {
    return this.failed ? null : (limit) => this.run(limit);
  }

  private async run(limit: number): Promise<{ moved: number; took: number }> {
    const done = await this.hold(async () => {
      const reply = await this.ask(limit);
      if ('error' in reply) {
        this.fail();
        throw new Error(`text indexing worker: ${reply.error}`);
      }
      return reply;
    });
    if (done.moved > 0) this.wrote();
    return done;
  }

  private ask(limit: number): Promise<Moved | Failed> {
    return this.start().ask(limit);
  }

  private start(): WorkerCalls<Moved> {
    if (this.worker && this.calls) return this.calls;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER, { eval: true, workerData: { driver, path: this.path } });
    worker.unref();
    this.calls = new WorkerCalls<Moved>(worker);
    worker.on('error', () => this.fail());
    this.worker = worker;
    return this.calls;
  }

  private fail(): void {
    this.failed = true;
    const w = this.worker;
    this.worker = null;
    void w?.terminate();
  }

  /** Ends the worker (before the main connection closes); a batch in flight finishes first. */
  async close(): Promise<void> {
    this.failed = true;
    const w = this.worker;
    this.worker = null;
    if (!w) return;
    w.ref();
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage('close');
    await exited;
  }
}
