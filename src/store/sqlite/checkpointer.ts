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
 */
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Write commits before the worker starts. */
const STARTUP_WRITES = 100;
/** Delay from a write to the checkpoint that covers it (writes meanwhile share it). */
const DELAY_MS = 100;
const AUTO_PAGES = 1000;

// Plain JavaScript evaluated in the worker (no TypeScript loader there).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('synchronous = NORMAL');
parentPort.on('message', (m) => {
  if (m === 'close') { db.close(); parentPort.close(); return; }
  try { db.pragma('wal_checkpoint(PASSIVE)'); parentPort.postMessage('done'); }
  catch (err) { parentPort.postMessage('failed: ' + String(err)); }
});
`;

export class Checkpointer {
  private writes = 0;
  private worker: Worker | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private failed = false;

  private raw: Database.Database | null = null;

  constructor(private readonly path: string) {}

  /** The main connection, whose automatic checkpoint this takes over. */
  attach(raw: Database.Database): void {
    this.raw = raw;
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
      this.timer = setTimeout(() => this.run(), DELAY_MS);
      this.timer.unref();
    }
  }

  private start(): void {
    if (!this.raw) return;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER, { eval: true, workerData: { driver, path: this.path } });
    worker.unref();
    worker.on('message', (m: string) => {
      this.running = false;
      if (m !== 'done') return this.fail();
      if (this.again) {
        this.again = false;
        this.wrote();
      }
    });
    worker.on('error', () => this.fail());
    this.worker = worker;
    this.raw.pragma('wal_autocheckpoint = 0');
  }

  private run(): void {
    this.timer = null;
    if (!this.worker || this.failed) return;
    this.running = true;
    this.worker.postMessage('checkpoint');
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
