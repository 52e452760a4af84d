/**
 * Questions to a worker thread that answers each one in order (one postMessage, one reply
 * message), as the text worker and the checkpointer do. Callers wait in a queue, oldest
 * first. An error reply, the worker's 'error' event or its exit answers every caller still
 * waiting with { error }, so none waits forever on a worker that is gone — a caller may be
 * holding the store's one connection while it waits.
 */
import type { Worker } from 'node:worker_threads';

export type Failed = { error: string };

export class WorkerCalls<R extends object> {
  private readonly waiting: Array<(r: R | Failed) => void> = [];

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: R | Failed) => this.answer(m));
    worker.on('error', (err) => this.answer({ error: String(err) }));
    worker.on('exit', () => this.answer({ error: 'the worker exited' }));
  }

  ask(message: unknown): Promise<R | Failed> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.worker.postMessage(message);
    });
  }

  private answer(r: R | Failed): void {
    if ('error' in r) for (const w of this.waiting.splice(0)) w(r);
    else this.waiting.shift()?.(r);
  }
}
