/**
 * One writer at a time among this process's threads that write the SQLite file: the event
 * loop's connection and the message writer's (writer.ts). SQLite serialises writers by
 * itself, but a connection that meets another's write lock waits in its busy handler by
 * sleeping (1, 2, 5… ms), and on the event loop that sleep would stop every session. So
 * each write transaction first takes this gate — the writer thread by blocking
 * (Atomics.wait: it has nothing else to do), the event loop without blocking
 * (Atomics.waitAsync) — and SQLite's lock is free whenever one of them asks for it. While
 * the event loop waits, the writer thread lets it go first: between two of its batches it
 * would otherwise take the gate back within microseconds, every time.
 *
 * The state is two Int32 slots of a SharedArrayBuffer, handed to the writer thread:
 * HOLDER (0 free, else who holds it) and LOOP_WAITING (the event loop is waiting).
 */
const HOLDER = 0;
const LOOP_WAITING = 1;
const FREE = 0;
const LOOP = 1;
const WRITER = 2;
/** Atomics.waitAsync (Node ≥ 16; ES2024, past this project's `lib`). */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
}).waitAsync.bind(Atomics);
/** A writer thread re-checks at least this often while it waits (ms). */
const RECHECK_MS = 20;

export class WriteGate {
  private readonly state: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.state = new Int32Array(buffer);
  }

  /** The event loop's side: resolves once the gate is held. */
  async lock(): Promise<void> {
    const s = this.state;
    if (Atomics.compareExchange(s, HOLDER, FREE, LOOP) === FREE) return;
    Atomics.add(s, LOOP_WAITING, 1);
    try {
      for (;;) {
        const holder = Atomics.compareExchange(s, HOLDER, FREE, LOOP);
        if (holder === FREE) return;
        // not-equal (already let go) comes back at once and the loop tries again
        const w = waitAsync(s, HOLDER, holder);
        if (w.async) await w.value;
      }
    } finally {
      Atomics.sub(s, LOOP_WAITING, 1);
      Atomics.notify(s, LOOP_WAITING);
    }
  }

  /** The writer thread's side: blocks until the gate is held, after any waiting event loop. */
  lockBlocking(): void {
    const s = this.state;
    for (;;) {
      const waiting = Atomics.load(s, LOOP_WAITING);
      if (waiting > 0) {
        Atomics.wait(s, LOOP_WAITING, waiting, RECHECK_MS);
        continue;
      }
      const holder = Atomics.compareExchange(s, HOLDER, FREE, WRITER);
      if (holder === FREE) return;
      Atomics.wait(s, HOLDER, holder, RECHECK_MS);
    }
  }

  unlock(): void {
    Atomics.store(this.state, HOLDER, FREE);
    Atomics.notify(this.state, HOLDER);
  }

  /** The writer thread is gone: a gate it held is free again. */
  releaseWriter(): void {
    if (Atomics.compareExchange(this.state, HOLDER, WRITER, FREE) === WRITER) Atomics.notify(this.state, HOLDER);
  }
}
