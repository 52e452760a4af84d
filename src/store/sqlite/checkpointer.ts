/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT
 * that crosses wal_autocheckpoint pages: it copies every frame of the WAL into the database
 * file and fsyncs both, on the event loop, while every session waits — on a busy disk
 * 50–100 ms per checkpoint, the largest block of time a delivery burst spends
 * (issue #3). So once the WAL has grown to START_BYTES (SQLite's default checkpoint size),
 * a worker thread with its own connection runs `PRAGMA wal_checkpoint(PASSIVE)` while
 * commits go on: it copies frames that are already durable in the WAL (our commits are
 * fdatasynced by wal-sync.ts, and SQLite syncs the WAL again before copying) and syncs the
 * database file, never waiting for a lock and never holding the writer's
 * (https://www.sqlite.org/wal.html#ckpt). Its answer arrives as a message.
 * The writer's own autocheckpoint stays, at MAIN_AUTOCHECKPOINT pages: a PASSIVE checkpoint
 * cannot restart the WAL while commits keep adding frames (the writer restarts it whenever
 * a pause let the worker copy everything), and the writer's checkpoint, which runs between
 * transactions, can. By then the worker has copied all but the last frames, but its fsync
 * still blocks the event loop about as long as a full one on a busy disk, so it is kept
 * rare: a sustained burst's WAL grows to 64 MB instead of 4 MB. (5000 deliveries on a
 * loaded machine: main-thread time in commits over 20 ms from 0.6–1.5 s to 0.2–0.5 s.)
 * Durability is SQLite's either way.
 * Both connections live in one process; SQLite's per-inode lock bookkeeping is shared by
 * its threads, so a connection closing never drops the other's POSIX locks.
 */
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** WAL size (bytes) from which the worker checkpoints: SQLite's default of 1000 pages. */
const START_BYTES = 4 * 1024 * 1024;
/** The writer's own wal_autocheckpoint (pages, 64 MB): the WAL's size bound and its restart. */
export const MAIN_AUTOCHECKPOINT = 16000;
/** Commits between two looks at the WAL's size before the worker runs. */
const LOOK_EVERY = 64;
/** Pause between background checkpoints while commits go on, so that one fsync of the
 *  database file covers the frames of many commits. */
const PAUSE_MS = 250;

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('synchronous = NORMAL'); // a checkpoint syncs the WAL and the database file
db.pragma('wal_autocheckpoint = 0');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  checkpoint.get();
  parentPort.postMessage('done');
});
`;

export class Checkpointer {
  private worker: Worker | null = null;
  private failed = false;
  private looking = false;
  private commits = 0;
  /** A checkpoint was asked for and not answered yet. */
  private busy = false;
  /** Commits were made since the running checkpoint was asked for. */
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly dbPath: string) {}

  /** A commit was made durable (wal-sync.ts). */
  committed(): void {
    if (this.closed || this.failed) return;
    if (this.worker) return this.request();
    if (this.looking || ++this.commits % LOOK_EVERY !== 0) return;
    this.looking = true;
    stat(`${this.dbPath}-wal`)
      .then((s) => {
        if (s.size >= START_BYTES && !this.closed && !this.worker) this.start();
      }, () => undefined)
      .finally(() => (this.looking = false));
  }

  /** Stops the worker (before the writer's connection closes, so that one checkpoints last). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const w = this.worker;
    this.worker = null;
    if (!w) return;
    const exited = new Promise((r) => w.once('exit', r));
    w.ref(); // the caller waits for it
    w.postMessage('close');
    await exited;
  }

  private start(): void {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    const w = new Worker(WORKER, { eval: true, workerData: { module, path: this.dbPath } });
    w.unref();
    w.on('message', () => this.answered());
    // the writer's own autocheckpoint carries on alone
    w.on('error', () => {
      this.failed = true;
      if (this.worker === w) this.worker = null;
    });
    this.worker = w;
    this.request();
  }

  private request(): void {
    if (this.busy || this.timer) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.again = false;
    this.worker?.postMessage('checkpoint');
  }

  private answered(): void {
    this.busy = false;
    if (!this.again || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.worker) this.request();
    }, PAUSE_MS);
    this.timer.unref();
  }
}
