/**
 * SQLite's background full-text indexer (text.ts). Deliveries leave their search text in
 * fts_pending; this moves it into the FTS5 index a batch at a time, each batch its own
 * short transaction, when deliveries pause (nothing appended for IDLE_MS), so a burst of
 * mail is accepted at full speed and indexed right after — the way Dovecot indexes lazily.
 * A backlog above MAX_BACKLOG is worked off during the burst too, paced, so it stays
 * bounded under sustained load. Batches are sized to take about TARGET_MS of the event
 * loop (trigram indexing is synchronous in better-sqlite3), so commands of other sessions
 * wait at most that long behind one; while the loop is saturated by other work the indexer
 * backs off. Once a store has indexed OFFLOAD_AFTER texts, batches run where the store
 * offers to run them off the loop (SQLite: a worker thread, sqlite/text-worker.ts); the
 * loop then only waits for the statements of its sessions. A search never waits for it:
 * it also scans what is still pending (text.ts).
 * Indexing is bookkeeping, never data: after a crash the text is still pending and is
 * indexed after the restart.
 */
import { performance } from 'node:perf_hooks';
import type { Sql } from './db.js';
import { indexPending } from './text.js';

/** Moves up to `limit` pending texts into the index in one transaction elsewhere (SQLite: a
 *  worker thread, sqlite/text-worker.ts); `took` is the time it held the write lock (ms). */
export type IndexBatch = (limit: number) => Promise<{ moved: number; took: number }>;

/** Event-loop time one batch should take. */
const TARGET_MS = 25;
const MIN_BATCH = 16;
const MAX_BATCH = 2000;
/** Deliveries have paused when nothing was appended for this long. */
const IDLE_MS = 150;
/** Pending texts above which indexing runs during a burst as well. Indexing costs ~0.6 ms of
 *  CPU per 5 KB message, more than the rest of its delivery: at 5,000 a burst of 10,000
 *  messages over SMTP (smtp-source, a connection per message) was indexed half-way through,
 *  and accepted at 960–1,180 msg/s instead of ~1,570. A search meanwhile scans what is pending
 *  (text.ts): 20,000 texts are a fifth of the 100,000-message bench mailbox, whose SEARCH
 *  TEXT takes ~0.3 s with all of it pending. */
const MAX_BACKLOG = 20000;
/** Pause between background transactions while deliveries go on. */
const PACE_MS = 10;
/** Pause between batches otherwise: the loop's utilisation in it tells whether others need it. */
const GAP_MS = 5;
/** Event-loop utilisation (in the gap) above which the loop counts as saturated, and the pause then. */
const SATURATED = 0.9;
const BACKOFF_MS = 100;
/** Texts indexed on the loop before batches move off it (when the store can): short-lived
 *  stores (tests, CLI commands) never start a thread. */
const OFFLOAD_AFTER = 256;

export class TextIndexer {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastAppend = 0;
  /** Texts added since the indexer last found the queue short (an upper estimate). */
  private backlog = 0;
  private batch = 48;
  private indexed = 0;
  private elu = performance.eventLoopUtilization();

  /** `offload` gives the runner of batches off the event loop, while it has one. */
  constructor(private readonly s: Sql, private readonly offload: () => IndexBatch | null = () => null) {}

  /** `n` texts were added: index them once deliveries pause. */
  poke(n: number): void {
    if (this.s.dialect !== 'sqlite' || this.stopped) return;
    this.lastAppend = Date.now();
    this.backlog += n;
    this.schedule();
  }

  /** Resolves once nothing is pending (benchmarks and tests; polls). */
  async whenIndexed(pollMs = 100): Promise<void> {
    if (this.s.dialect !== 'sqlite') return;
    for (;;) {
      const r = await this.s.db.selectFrom('fts_pending').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
      if (Number(r?.n ?? 0) === 0 || this.stopped) return;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(extra = 0): void {
    if (this.timer || this.stopped) return;
    const idleIn = this.lastAppend + IDLE_MS - Date.now();
    const delay = this.backlog > MAX_BACKLOG ? PACE_MS : Math.max(GAP_MS, idleIn);
    this.timer = setTimeout(() => void this.step(), delay + extra);
    this.timer.unref();
  }

  private async step(): Promise<void> {
    if (this.backlog <= MAX_BACKLOG && Date.now() - this.lastAppend < IDLE_MS) {
      this.timer = null; // deliveries resumed: wait for the next pause
      this.schedule();
      return;
    }
    const elsewhere = this.indexed >= OFFLOAD_AFTER ? this.offload() : null;
    // Saturated by other work since the last batch: let it finish first (only when the
    // batch itself would run on this loop).
    if (!elsewhere && performance.eventLoopUtilization(this.elu).utilization > SATURATED) {
      this.elu = performance.eventLoopUtilization();
      this.timer = null;
      this.schedule(BACKOFF_MS);
      return;
    }
    const started = Date.now();
    const size = this.batch;
    let moved = 0;
    let took = 0;
    try {
      if (elsewhere) ({ moved, took } = await elsewhere(size));
      else {
        moved = await this.s.tx(async (trx) => {
          const t0 = performance.now();
          const n = await indexPending(trx, size);
          took = performance.now() - t0;
          return n;
        });
      }
    } catch {
      // the store was closed meanwhile, or the worker failed (the next batch then runs
      // here): the text stays pending
      this.timer = null;
      if (elsewhere) this.schedule();
      return;
    }
    this.indexed += moved;
    this.timer = null;
    this.elu = performance.eventLoopUtilization();
    if (moved === size) this.batch = Math.max(MIN_BATCH, Math.min(MAX_BATCH, Math.round(size * TARGET_MS / Math.max(took, 1))));
    this.backlog = Math.max(0, this.backlog - moved);
    // more pending, or appended while this batch ran (their poke found the timer busy).
    // Off the loop, while deliveries go on, the next batch waits as long as this one held
    // the write lock: deliveries get at least half of it.
    const share = elsewhere && Date.now() - this.lastAppend < IDLE_MS ? took : 0;
    if (moved === size || this.lastAppend >= started) this.schedule(share);
    else this.backlog = 0;
  }
}
