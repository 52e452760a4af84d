/**
 * SQLite's message writer: a delivery's parse and its append on one worker thread
 * (writer-worker.ts) with a connection of its own, instead of a parse on the parse worker
 * and then the rows, the commit and the fsync on the event loop. Two hand-offs between
 * threads became one, and the event loop keeps only the sessions: with 20 SMTP clients
 * each sending a message per connection (smtp-source) it went from ~0.56 to ~0.31 ms of CPU
 * per message (the process's from ~0.80 to ~0.60 ms), and with the time to each final 250
 * the rate rose ~30 %, from ~1,570 to ~2,040 msg/s.
 *
 * The event loop's own writes and the worker's take turns through the write gate
 * (write-gate.ts), so neither meets the other's lock in SQLite's busy wait. append()
 * answers null — the caller then stores the message the usual way — while the worker
 * starts, after it failed, when WAITING_BYTES already wait for it, for a message larger
 * than the database keeps inline, and for one the worker could not parse (the usual way
 * parses it again and meets the error itself).
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../lib/start-worker.js';
import { UserError } from '../../lib/errors.js';
import type { Flag } from '../types.js';
import type { WriteGate } from './write-gate.js';

/** Bytes of messages waiting for the worker at most (each is copied for it). */
const WAITING_BYTES = 32 * 1024 * 1024;

export interface WriterSetup {
  path: string;
  gate: SharedArrayBuffer;
}

export interface WriterTarget {
  mailboxId: number;
  flags: Flag[];
}

export interface WriterAsk {
  raw: Uint8Array;
  internalDate: number;
  targets: WriterTarget[];
}

export type Placed = { mailboxId: number; uid: number; modseq: number };

/** The worker answers each batch with one reply per ask, in order. */
export type WriterReply =
  | { placed: Placed[] }
  | { refused: string; reason: UserError['reason'] }
  | { failed: string }
  | { unparsed: string };

export class MessageWriter {
  private worker: Worker | null = null;
  private ready = false;
  private failed = false;
  private closing = false;
  private bytes = 0;
  private readonly waiting: Array<(r: WriterReply) => void> = [];

  constructor(private readonly path: string, private readonly gate: WriteGate, private readonly wrote: () => void) {}

  /** Parses `raw` and appends it to every target in one durable transaction, as
   *  MailStore.append would; null: not now (see above). Throws UserError 'quota' and
   *  'not-found' as append() does. */
  async append(raw: Uint8Array, targets: WriterTarget[], internalDate: number): Promise<Placed[] | null> {
    const w = this.started();
    if (!w || this.bytes + raw.length > WAITING_BYTES) return null;
    // one copy, moved to the worker (a Buffer may view a larger shared pool)
    const copy = new Uint8Array(raw);
    const ask: WriterAsk = { raw: copy, internalDate, targets };
    this.bytes += raw.length;
    // referenced while a question waits, so a one-shot command gets its answer
    w.ref();
    let reply: WriterReply;
    try {
      reply = await new Promise<WriterReply>((resolve) => {
        this.waiting.push(resolve);
        w.postMessage(ask, [copy.buffer]);
      });
    } finally {
      this.bytes -= raw.length;
      if (this.waiting.length === 0 && !this.closing) this.worker?.unref();
    }
    if ('placed' in reply) {
      this.wrote();
      return reply.placed;
    }
    if ('refused' in reply) throw new UserError(reply.refused, reply.reason);
    if ('unparsed' in reply) return null;
    throw new Error(`message writer: ${reply.failed}`);
  }

  /** The worker once it has loaded; null meanwhile and after a failure. */
  private started(): Worker | null {
    if (this.failed) return null;
    if (this.worker) return this.ready ? this.worker : null;
    let worker: Worker;
    try {
      const setup: WriterSetup = { path: this.path, gate: this.gate.buffer };
      worker = startWorker(new URL('./writer-worker.js', import.meta.url), { workerData: setup });
    } catch {
      this.fail('the worker did not start');
      return null;
    }
    this.worker = worker;
    worker.unref();
    worker.on('message', (m: WriterReply[] | 'ready') => {
      if (m === 'ready') this.ready = true;
      else for (const r of m) this.waiting.shift()?.(r);
      // a 'message' listener refs the worker's port: idle, it must not keep the process up
      // (closing, it must, until it has exited)
      if (this.waiting.length === 0 && !this.closing) worker.unref();
    });
    worker.on('error', (err) => this.fail(String(err)));
    worker.once('exit', () => this.fail('the worker exited'));
    return null;
  }

  private fail(why: string): void {
    this.failed = true;
    const w = this.worker;
    this.worker = null;
    // a transaction the thread was in is gone with it; its gate must not stay shut
    this.gate.releaseWriter();
    for (const resolve of this.waiting.splice(0)) resolve({ failed: why });
    void w?.terminate();
  }

  /** Ends the worker (before the main connection closes): what it was sent is written first. */
  async close(): Promise<void> {
    this.failed = true;
    this.closing = true;
    const w = this.worker;
    if (!w) return;
    if (!this.ready) {
      // still loading: it was sent nothing
      this.worker = null;
      await w.terminate();
      return;
    }
    w.ref();
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage('close');
    await exited;
    this.worker = null;
  }
}
