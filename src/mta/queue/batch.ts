/**
 * Group commit for queue outcomes: recordAttempt calls that arrive while a commit is in
 * flight are gathered and written together in the next one, so twenty connections
 * finishing at once cost one fsync, not twenty. Used only when the store offers a batch
 * method (`recordAttempts`, one transaction for many rows); otherwise every call goes
 * straight to `recordAttempt`.
 *
 * Invariant: `record()` resolves only after the commit that contains its row, so the
 * caller's ordering (acceptance durable before anything else) is kept.
 */
import type { QueueStore } from '../../store/types.js';

export type AttemptResult = Parameters<QueueStore['recordAttempt']>[1];

/** The optional batch extension of QueueStore. */
export interface BatchQueueStore extends QueueStore {
  recordAttempts?(items: Array<{ recipientId: number; result: AttemptResult }>): Promise<void>;
}

interface Pending {
  recipientId: number;
  result: AttemptResult;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class AttemptRecorder {
  private waiting: Pending[] = [];
  private flushing = false;

  constructor(private readonly queue: BatchQueueStore) {}

  record(recipientId: number, result: AttemptResult): Promise<void> {
    if (!this.queue.recordAttempts) return this.queue.recordAttempt(recipientId, result);
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ recipientId, result, resolve, reject });
      // Deferred to setImmediate: replies that arrived in the same I/O poll (other
      // connections) join this commit — with a synchronous driver nothing else could.
      if (!this.flushing) { this.flushing = true; setImmediate(() => void this.flush()); }
    });
  }

  private async flush(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0);
      try {
        await this.queue.recordAttempts!(batch.map(({ recipientId, result }) => ({ recipientId, result })));
        for (const p of batch) p.resolve();
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
    this.flushing = false;
  }
}
