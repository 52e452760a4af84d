/**
 * Group commit: appends that arrive while a commit is in flight wait and go together into
 * the next transaction, so N concurrent deliveries cost one fsync instead of N. Each caller
 * still gets its own result, and only once its rows (and the blobs that travel with them,
 * NewMessage.content) are durable. Two batches may be in flight: appends that arrive while
 * one commits wait for it a moment (overlapMs), and only if it has not ended by then does
 * the next batch start beside it, so a slow disk's fsync overlaps the next batch's work
 * while a fast one leaves bigger batches (less CPU per message on a busy loop). Their UIDs
 * stay distinct and ordered per transaction (the store allocates them inside each one).
 * If a shared batch fails (say one recipient is over quota), its items are retried one by
 * one so a single bad item never fails its neighbours — unless it committed and only its
 * fsync failed (UnsyncedCommitError): then it is written already, and every caller gets the error.
 */
import { UnsyncedCommitError } from '../lib/errors.js';
import type { MailStore, NewMessage } from '../store/types.js';

type Item = { mailboxId: number; message: NewMessage };
type Placed = { mailboxId: number; uid: number; modseq: number };

interface Pending {
  items: Item[];
  bytes: number;
  resolve: (placed: Placed[]) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitLimits {
  /** Messages per transaction (bounds transaction size and latency). */
  maxBatch: number;
  /** Inline blob bytes per transaction. */
  maxBytes: number;
  /** Transactions committing at once. */
  maxInFlight: number;
  /** How long appends wait for the transaction in flight before a second one overlaps it. */
  overlapMs: number;
}

const DEFAULTS: GroupCommitLimits = { maxBatch: 256, maxBytes: 8 * 1024 * 1024, maxInFlight: 2, overlapMs: 2 };

export class GroupCommitter {
  private queue: Pending[] = [];
  private draining = false;
  private inFlight = 0;
  private slotFreed: (() => void) | null = null;
  private overlapping = false;
  private readonly limits: GroupCommitLimits;

  constructor(private readonly mail: MailStore, limits: Partial<GroupCommitLimits> = {}) {
    this.limits = { ...DEFAULTS, ...limits };
  }

  /** Appends `items` atomically (all or none) and resolves once they are durable. */
  append(items: Item[]): Promise<Placed[]> {
    const bytes = items.reduce((n, it) => n + (it.message.content?.length ?? 0), 0);
    return new Promise((resolve, reject) => {
      this.queue.push({ items, bytes, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        if (this.inFlight >= this.limits.maxInFlight) {
          await new Promise<void>((resolve) => (this.slotFreed = resolve));
          continue;
        }
        if (this.inFlight > 0 && !this.overlapping) {
          // A commit is in flight: give it a moment to finish, so the next batch takes all
          // that arrived meanwhile (on a saturated loop bigger batches save CPU per message);
          // only a slow one (its fsync) gets a second transaction beside it.
          let timer: NodeJS.Timeout | undefined;
          await new Promise<void>((resolve) => {
            this.slotFreed = resolve;
            timer = setTimeout(resolve, this.limits.overlapMs);
          });
          clearTimeout(timer);
          this.slotFreed = null;
          this.overlapping = this.inFlight > 0;
          continue;
        }
        this.overlapping = false;
        // Let I/O callbacks run first: sessions whose data arrived in this poll phase
        // are still to be handled. One turn of the loop lets them join this batch.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = this.take();
        this.inFlight++;
        void this.commit(batch).finally(() => {
          this.inFlight--;
          const wake = this.slotFreed;
          this.slotFreed = null;
          wake?.();
        });
      }
    } finally {
      this.draining = false;
    }
  }

  /** The next batch: at least one caller, then as many as the limits allow, in order. */
  private take(): Pending[] {
    const batch: Pending[] = [];
    let count = 0;
    let bytes = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      const fits = count + next.items.length <= this.limits.maxBatch && bytes + next.bytes <= this.limits.maxBytes;
      if (batch.length > 0 && !fits) break;
      batch.push(this.queue.shift()!);
      count += next.items.length;
      bytes += next.bytes;
    }
    return batch;
  }

  private async commit(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      await settle(batch[0], () => this.mail.append(batch[0].items));
      return;
    }
    let placed: Placed[];
    try {
      placed = await this.mail.append(batch.flatMap((p) => p.items));
    } catch (err) {
      // Committed, and only its fsync failed: written already, so not again.
      if (err instanceof UnsyncedCommitError) for (const p of batch) p.reject(err);
      // One item spoiled the shared transaction: give every caller its own.
      else for (const p of batch) await settle(p, () => this.mail.append(p.items));
      return;
    }
    let at = 0;
    for (const p of batch) {
      p.resolve(placed.slice(at, at + p.items.length));
      at += p.items.length;
    }
  }
}

async function settle(p: Pending, run: () => Promise<Placed[]>): Promise<void> {
  try {
    p.resolve(await run());
  } catch (err) {
    p.reject(err);
  }
}
