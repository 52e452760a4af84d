/**
 * Questions to a worker thread that answers each one in order (one postMessage, one reply
 * message), as the text worker, the checkpointer and the parse pool do. Callers wait in a
 * queue, oldest first. An error reply, the worker's 'error' event or its exit answers every
 * caller still waiting with { error }, so none waits forever on a worker that is gone — a
 * caller may be holding the store's one connection while it waits.
 */
import type { Transferable, Worker } from 'node:worker_threads';

export type Failed = { error: string };

export class WorkerCalls<R extends object> {
  private readonly waiting: Array<(r: R | Failed) => void> = [];

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: R | Failed) => this.answer(m));
    worker.on('error', (err) => this.answer({ error: String(err) }));
    worker.on('exit', () => this.answer({ error: 'the worker exited' }));
  }

  /** `transfer` moves those buffers to the worker instead of copying them. */
  ask(message: unknown, transfer: Transferable[] = []): Promise<R | Failed> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.worker.postMessage(message, transfer);
    });
  }

  /** Questions asked and not yet answered. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  private answer(r: R | Failed): void {
    if ('error' in r) for (const w of this.waiting.splice(0)) w(r);
    else this.waiting.shift()?.(r);
  }
}
