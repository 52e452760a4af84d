/**
 * Group fsync of SQLite's write-ahead log. The connection runs with synchronous=NORMAL, so
 * a COMMIT only write()s its frames to the -wal file; sync() resolves once an fdatasync of
 * that file which started after the call has finished. Calls made while one fsync is in
 * flight share the next one, so N concurrent commits cost about two fsyncs, not N, and the
 * fsync runs in libuv's thread pool rather than on the event loop.
 *
 * Why this is as durable as synchronous=FULL for a resolved commit: WAL recovery replays
 * every frame up to the last valid commit frame, and the frames (with the WAL header) are on
 * disk once the fdatasync after the commit returns. Checkpoints under NORMAL still sync the
 * WAL before and the database after copying (https://sqlite.org/pragma.html#pragma_synchronous).
 */
import { open } from 'node:fs/promises';

export class WalSync {
  /** The fsync callers wait for that has not started yet (it will cover them). */
  private pending: Promise<void> | null = null;
  private inflight: Promise<void> | null = null;

  constructor(private readonly walPath: string) {}

  sync(): Promise<void> {
    if (this.pending) return this.pending;
    // A failed earlier fsync is its callers' error; this one runs regardless.
    const before = this.inflight?.catch(() => {}) ?? Promise.resolve();
    const p = before.then(() => {
      this.pending = null;
      const run = this.fsync();
      this.inflight = run;
      return run.finally(() => {
        if (this.inflight === run) this.inflight = null;
      });
    });
    this.pending = p;
    return p;
  }

  private async fsync(): Promise<void> {
    // Opened per sync: SQLite may remove and re-create the -wal file (last connection of
    // another process closing, journal mode changes); the open is cheap next to the fsync.
    let fh;
    try {
      fh = await open(this.walPath, 'r+');
    } catch (err) {
      // No WAL file: every commit was checkpointed into the database and the file removed,
      // which SQLite only does after syncing the database.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }
}
