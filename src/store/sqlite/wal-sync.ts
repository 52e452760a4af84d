/**
 * Makes SQLite commits durable off the event loop. The connection runs WAL with
 * synchronous=NORMAL: a commit appends its frames to DATA/posthorn.db-wal with write() but
 * does not fsync, which with better-sqlite3 would block the whole process for the fsync's
 * duration (every session stalls; under disk load 5–40 ms per commit). Instead the writer
 * waits for an fdatasync of the WAL file on the libuv thread pool that began after its
 * commit: fdatasync covers every page of the file written before it started (the WAL
 * header and all frames of the commit), which is exactly what SQLite's own
 * synchronous=FULL sync does at commit. Checkpoints stay SQLite's: with NORMAL it syncs
 * the WAL before copying frames into the database file and syncs the database file before
 * the WAL is reused (https://www.sqlite.org/pragma.html#pragma_synchronous,
 * https://www.sqlite.org/wal.html), so a frame is never overwritten before its content is
 * durable elsewhere. Concurrent writers share syncs: one in flight, at most one waiting,
 * and whoever arrives meanwhile joins the waiting one (it starts after their commits).
 */
import { fdatasyncSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

export class WalSync {
  private running: Promise<void> | null = null;
  private waiting: Promise<void> | null = null;
  private wal: FileHandle | null = null;

  constructor(private readonly dbPath: string) {}

  /** Resolves when everything committed before the call is on disk. */
  sync(): Promise<void> {
    if (this.waiting) return this.waiting;
    if (!this.running) return this.start();
    const after = this.running.catch(() => undefined).then(() => {
      this.waiting = null;
      return this.start();
    });
    this.waiting = after;
    return after;
  }

  /** sync() on the calling thread once the WAL is open, without the thread pool's round trip
   *  (and the wake-up of a pool thread, ~45 µs of CPU on this machine): for a worker thread,
   *  which has nothing else to do meanwhile (writer-worker.ts). */
  async syncHere(): Promise<void> {
    if (!this.wal || this.running) return this.sync();
    fdatasyncSync(this.wal.fd);
  }

  private start(): Promise<void> {
    const p = this.flush().finally(() => {
      if (this.running === p) this.running = null;
    });
    this.running = p;
    return p;
  }

  private async flush(): Promise<void> {
    if (!this.wal) {
      try {
        // kept open: SQLite keeps the WAL file (same inode) while any connection is open,
        // and this connection is; one thread-pool round trip per sync instead of three
        this.wal = await open(`${this.dbPath}-wal`, 'r');
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOENT') throw err;
        // no WAL yet: whatever was committed is in the database file itself
        await syncPath(this.dbPath);
        return;
      }
      await this.wal.datasync();
      // the WAL's own name may still be new: once per process, fsync its folder
      await syncPath(dirname(this.dbPath));
      return;
    }
    await this.wal.datasync();
  }

  /** Closes the kept file (the database connection is closing). */
  async close(): Promise<void> {
    const fh = this.wal;
    this.wal = null;
    await fh?.close();
  }
}

async function syncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
