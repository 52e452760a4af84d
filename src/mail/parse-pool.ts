/**
 * Parsing delivered mail on a second core. Parsing a message and naming its blob (MIME
 * structure, metadata JSON, search text, summary, SHA-256) is a delivery's largest piece of
 * work that needs no database, ~0.15 ms of CPU for a 5 KB message: on the event loop it is
 * time every session waits for. A worker thread (parse-worker.ts) does it instead while the
 * event loop goes on with the sockets and the SQL.
 *
 * The event loop still parses a message itself (parse() answers null) while the worker is
 * starting; when WAITING_MAX messages or WAITING_BYTES already wait for it (memory stays
 * bounded, and both threads stay busy); after the worker failed; and when the worker could
 * not parse it (the caller's own parse then throws what the worker saw). What is stored is
 * the same either way: both call mime/stored-fields.ts fieldsOfMessage().
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../lib/start-worker.js';
import { WorkerCalls } from '../lib/worker-calls.js';
import type { fieldsOfMessage } from '../mime/stored-fields.js';
import type { ParseReply } from './parse-worker.js';

const WAITING_MAX = 32;
/** Bytes of waiting messages at most (each is copied for the worker). */
const WAITING_BYTES = 32 * 1024 * 1024;

type Parsed = ReturnType<typeof fieldsOfMessage>;

class ParsePool {
  private calls: WorkerCalls<ParseReply> | null = null;
  /** Set while the worker starts and runs; `calls` once it has loaded. */
  private worker: Worker | null = null;
  private failed = false;
  private bytes = 0;

  /** The parsed fields of `raw` (and its blob id when `hash`), or null: parse it yourself. */
  async parse(raw: Uint8Array, hash: boolean): Promise<Parsed | null> {
    const calls = this.ready();
    if (!calls || calls.waitingCount >= WAITING_MAX || this.bytes + raw.length > WAITING_BYTES) return null;
    // one copy, moved to the worker: a Buffer may view a larger shared pool, which a
    // structured clone would copy whole
    const copy = new Uint8Array(raw);
    this.bytes += raw.length;
    // referenced while a question waits (a one-shot command must not exit before the
    // answer), unreferenced when idle (an idle worker never keeps the process alive)
    this.worker?.ref();
    let reply: ParseReply | { error: string };
    try {
      reply = await calls.ask({ raw: copy, hash }, [copy.buffer]);
    } finally {
      this.bytes -= raw.length;
      if (calls.waitingCount === 0) this.worker?.unref();
    }
    if ('error' in reply) {
      this.fail();
      return null;
    }
    return 'unparsed' in reply ? null : reply;
  }

  private ready(): WorkerCalls<ParseReply> | null {
    if (this.calls || this.failed || this.worker) return this.calls;
    let worker: Worker;
    try {
      worker = startWorker(new URL('./parse-worker.js', import.meta.url));
    } catch {
      this.fail();
      return null;
    }
    this.worker = worker;
    worker.unref();
    worker.on('error', () => this.fail());
    worker.once('exit', () => this.fail());
    worker.once('message', () => {
      // the first message says the worker has loaded; questions go to it from then on
      if (!this.failed) this.calls = new WorkerCalls<ParseReply>(worker);
      // again: a 'message' listener added to a worker refs its port
      worker.unref();
    });
    return null;
  }

  private fail(): void {
    this.failed = true;
    this.calls = null;
    const w = this.worker;
    this.worker = null;
    void w?.terminate();
  }
}

/** One pool for the process: every store's deliveries share the one spare core. */
export const parsePool = new ParsePool();
