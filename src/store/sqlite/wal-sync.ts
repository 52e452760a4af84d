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
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';

export class WalSync {
  private running: Promise<void> | null = null;
  private waiting: Promise<void> | null = null;
  private folderSynced = false;

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

  private start(): Promise<void> {
    const p = this.flush().finally(() => {
      if (this.running === p) this.running = null;
    });
    this.running = p;
    return p;
  }

  private async flush(): Promise<void> {
    let fh;
    try {
      fh = await open(`${this.dbPath}-wal`, 'r');
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
      // no WAL (not yet created, or removed with the last connection after a full
      // checkpoint): what was committed is in the database file itself
      fh = await open(this.dbPath, 'r');
    }
    try {
      await fh.datasync();
    } finally {
      await fh.close();
    }
    if (!this.folderSynced) {
      // once per process: the WAL file's own name may still be new
      const dir = await open(dirname(this.dbPath), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
      this.folderSynced = true;
    }
  }
}
