/**
 * Runs SQLite's WAL checkpoints on a worker thread. SQLite checkpoints automatically in the
 * connection whose commit pushes the WAL past 1,000 pages; with better-sqlite3 that is the
 * event loop, which then stalls for the copy into the database file and its two fsyncs
 * (10–50 ms each time, ~10% of the loop under imaptest's 50-client load). Once a store has
 * written enough to matter (STARTUP_WRITES commits, so short-lived stores — tests, tools —
 * never start a thread), a worker opens its own connection and runs PASSIVE checkpoints a
 * moment after writes, and the main connection's automatic checkpoint is turned off.
 *
 * Durability is unchanged: a PASSIVE checkpoint never waits for readers or writers, and with
 * synchronous=NORMAL it syncs the WAL before copying frames and the database file before the
 * WAL may be reused (https://www.sqlite.org/wal.html#ckpt,
 * https://www.sqlite.org/pragma.html#pragma_wal_checkpoint), exactly as the automatic one
 * did. If the worker fails, the automatic checkpoint is turned back on.
 *
 * A PASSIVE checkpoint alone lets the WAL grow for as long as writes go on: SQLite starts
 * the WAL over only when a write begins with every frame already copied, and under steady
 * load a commit always lands while the checkpoint runs (1.3 GB after a minute of imaptest's
 * 50 clients). So once the WAL holds RESTART_FRAMES, the next checkpoint runs while this
 * thread holds Kysely's one connection and the write gate (`hold`): no write of ours lands
 * meanwhile (the text worker also writes only under it, the message writer only with the gate), it copies the little the last one left, and our next
 * write starts the WAL over, cut back to SIZE_LIMIT if a burst made the file larger.
 */
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { WorkerCalls } from '../../lib/worker-calls.js';

/** Write commits before the worker starts. */
const STARTUP_WRITES = 100;
/** Delay from a write to the checkpoint that covers it (writes meanwhile share it). */
const DELAY_MS = 100;
const AUTO_PAGES = 1000;
/** WAL frames (pages) after which a checkpoint runs under the connection: 64 MiB at 4 KiB. */
const RESTART_FRAMES = 16384;
/** journal_size_limit: the WAL file is cut back to this when SQLite starts it over. */
const SIZE_LIMIT = 128 * 1024 * 1024;

// Plain JavaScript evaluated in the worker (no TypeScript loader there).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('synchronous = NORMAL');
parentPort.on('message', (m) => {
  if (m === 'close') { db.close(); parentPort.close(); return; }
  try { const [r] = db.pragma('wal_checkpoint(PASSIVE)'); parentPort.postMessage({ log: r.log }); }
  catch (err) { parentPort.postMessage({ error: String(err) }); }
});
`;

/** What a checkpoint reports: the frames the WAL holds. */
type Checkpointed = { log: number };

/** Runs `fn` while no other write of this process can run: it holds Kysely's connection
 *  mutex and the write gate (write-gate.ts), as open.ts makes it. */
export type HoldConnection = <T>(fn: () => Promise<T>) => Promise<T>;

export interface CheckpointLimits { restartFrames: number; sizeLimit: number; delayMs: number }

export class Checkpointer {
  private writes = 0;
  private worker: Worker | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private failed = false;

  private raw: Database.Database | null = null;
  private hold: HoldConnection | null = null;
  private calls: WorkerCalls<Checkpointed> | null = null;
  private readonly limits: CheckpointLimits;

  constructor(private readonly path: string, limits: Partial<CheckpointLimits> = {}) {
    this.limits = { restartFrames: RESTART_FRAMES, sizeLimit: SIZE_LIMIT, delayMs: DELAY_MS, ...limits };
  }

  /** The main connection, whose automatic checkpoint this takes over, and how to hold it. */
  attach(raw: Database.Database, hold: HoldConnection): void {
    this.raw = raw;
    this.hold = hold;
  }

  /** A write transaction committed. */
  wrote(): void {
    if (this.failed || !this.raw) return;
    if (!this.worker) {
      if (++this.writes < STARTUP_WRITES) return;
      this.start();
    }
    if (this.running) this.again = true;
    else if (!this.timer) {
      this.timer = setTimeout(() => this.run(), this.limits.delayMs);
      this.timer.unref();
    }
  }

  private start(): void {
    if (!this.raw) return;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER, { eval: true, workerData: { driver, path: this.path } });
    worker.unref();
    this.calls = new WorkerCalls<Checkpointed>(worker);
    worker.on('error', () => this.fail());
    this.worker = worker;
    this.raw.pragma('wal_autocheckpoint = 0');
    this.raw.pragma(`journal_size_limit = ${this.limits.sizeLimit}`);
  }

  private async run(): Promise<void> {
    this.timer = null;
    if (!this.worker || this.failed) return;
    this.running = true;
    try {
      const r = await this.checkpoint();
      if (r.log >= this.limits.restartFrames && this.hold) await this.hold(() => this.checkpoint());
    } catch {
      return this.fail();
    }
    this.running = false;
    if (this.again) {
      this.again = false;
      this.wrote();
    }
  }

  /** One PASSIVE checkpoint on the worker; throws when the worker failed or is gone. */
  private async checkpoint(): Promise<Checkpointed> {
    if (!this.worker || !this.calls) throw new Error('checkpointer closed');
    const r = await this.calls.ask('checkpoint');
    if ('error' in r) throw new Error(`checkpointer: ${r.error}`);
    return r;
  }

  private fail(): void {
    if (this.failed) return;
    this.failed = true;
    this.running = false;
    if (this.raw?.open) this.raw.pragma(`wal_autocheckpoint = ${AUTO_PAGES}`);
    void this.worker?.terminate();
    this.worker = null;
  }

  /** Ends the worker (before the main connection closes). */
  async close(): Promise<void> {
    this.failed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const w = this.worker;
    this.worker = null;
    if (!w) return;
    w.ref(); // unreferenced, it would not keep the process alive until it has exited
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage('close');
    await exited;
  }
}
