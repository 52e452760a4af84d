/**
 * SQLite's background full-text indexer (text.ts). Deliveries leave their search text in
 * fts_pending; this moves it into the FTS5 index a small batch at a time, each batch its
 * own short transaction, when deliveries pause (nothing appended for IDLE_MS), so a burst
 * of mail is accepted at full speed and indexed right after — the way Dovecot indexes
 * lazily. A backlog above MAX_BACKLOG is worked off during the burst too, paced, so it
 * stays bounded under sustained load. A search never waits for either: catchUp() indexes
 * everything pending first. Indexing is bookkeeping, never data: after a crash the text is
 * still pending and is indexed after the restart.
 */
import type { Sql } from './db.js';
import { indexPending } from './text.js';

/** Texts per background transaction: ~20–40 ms of trigram indexing for 5 KB messages. */
const BATCH = 48;
/** Deliveries have paused when nothing was appended for this long. */
const IDLE_MS = 150;
/** Pending texts above which indexing runs during a burst as well. */
const MAX_BACKLOG = 5000;
/** Pause between background transactions while deliveries go on. */
const PACE_MS = 10;

export class TextIndexer {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastAppend = 0;
  /** Texts added since the indexer last found the queue short (an upper estimate). */
  private backlog = 0;

  constructor(private readonly s: Sql) {}

  /** `n` texts were added: index them once deliveries pause. */
  poke(n: number): void {
    if (this.s.dialect !== 'sqlite' || this.stopped) return;
    this.lastAppend = Date.now();
    this.backlog += n;
    this.schedule();
  }

  /** Indexes everything pending (before a search). */
  async catchUp(): Promise<void> {
    if (this.s.dialect !== 'sqlite') return;
    while ((await this.s.tx((trx) => indexPending(trx, 500))) > 0);
    this.backlog = 0;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    const idleIn = this.lastAppend + IDLE_MS - Date.now();
    const delay = this.backlog > MAX_BACKLOG ? PACE_MS : Math.max(0, idleIn);
    this.timer = setTimeout(() => void this.step(), delay);
    this.timer.unref();
  }

  private async step(): Promise<void> {
    if (this.backlog <= MAX_BACKLOG && Date.now() - this.lastAppend < IDLE_MS) {
      this.timer = null; // deliveries resumed: wait for the next pause
      this.schedule();
      return;
    }
    const started = Date.now();
    let moved = 0;
    try {
      moved = await this.s.tx((trx) => indexPending(trx, BATCH));
    } catch {
      // the store was closed meanwhile: the text stays pending for the next start
      this.timer = null;
      return;
    }
    this.timer = null;
    this.backlog = Math.max(0, this.backlog - moved);
    // more pending, or appended while this batch ran (their poke found the timer busy)
    if (moved === BATCH || this.lastAppend >= started) this.schedule();
    else this.backlog = 0;
  }
}
