/**
 * Group commit: appends that arrive while a commit is in flight wait and go together into
 * the next transaction, so N concurrent deliveries cost one fsync instead of N. Each caller
 * still gets its own result, and only once its rows are durable. If a shared batch fails
 * (say one recipient is over quota), its items are retried one by one so a single bad item
 * never fails its neighbours.
 */
import type { MailStore, NewMessage } from '../store/types.js';

type Item = { mailboxId: number; message: NewMessage };
type Placed = { mailboxId: number; uid: number; modseq: number };

interface Pending {
  items: Item[];
  resolve: (placed: Placed[]) => void;
  reject: (err: unknown) => void;
}

export class GroupCommitter {
  private queue: Pending[] = [];
  private running = false;

  constructor(
    private readonly mail: MailStore,
    /** Upper bound of messages per transaction (bounds transaction size and latency). */
    private readonly maxBatch = 256,
  ) {}

  /** Appends `items` atomically (all or none) and resolves once they are durable. */
  append(items: Item[]): Promise<Placed[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        // Let I/O callbacks run first: a SQLite commit blocks the event loop while it
        // fsyncs, so deliveries that finished their blob writes meanwhile are still waiting
        // in the poll phase. One turn of the loop lets them join this batch.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch: Pending[] = [];
        let count = 0;
        while (this.queue.length > 0 && (batch.length === 0 || count + this.queue[0].items.length <= this.maxBatch)) {
          const p = this.queue.shift()!;
          batch.push(p);
          count += p.items.length;
        }
        await this.commit(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      await settle(batch[0], () => this.mail.append(batch[0].items));
      return;
    }
    let placed: Placed[];
    try {
      placed = await this.mail.append(batch.flatMap((p) => p.items));
    } catch {
      // One item spoiled the shared transaction: give every caller its own.
      for (const p of batch) await settle(p, () => this.mail.append(p.items));
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
