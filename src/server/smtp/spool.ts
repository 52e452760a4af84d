/**
 * Where the bytes of one message go while DATA/BDAT receives them. A message stays in
 * memory up to `threshold` octets (most mail: it is then committed through the ordinary,
 * group-committed path); past it, everything goes into a BlobWriter, so a 50 MB message
 * costs the server about one threshold of memory, not 50 MB (issue #3: "a 50 MB message
 * streams to its blob in bounded memory").
 * Invariants: push() never blocks — the session awaits pace() after each push, which holds
 * the socket back while more than PACE_LIMIT octets wait for the writer; discard() drops
 * everything (too big, peer gone, RSET) and makes finish() impossible; after finish() or
 * discard() a second discard() is a no-op.
 */
import type { BlobId, BlobStore, BlobWriter } from '../../store/types.js';

/** Octets handed to the writer and not yet written before the reader waits. */
const PACE_LIMIT = 1024 * 1024;
/** A spilled message is copied into staging buffers of this size, reused once written, so
 *  streaming leaves (almost) no garbage for the collector to catch up with. */
const STAGE_SIZE = 256 * 1024;

export type Spooled = { kind: 'memory'; raw: Buffer } | { kind: 'blob'; blobId: BlobId; size: number };

export class MessageSpool {
  private chunks: Buffer[] = [];
  private held = 0;
  private writer: BlobWriter | null = null;
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private error: unknown = null;
  private over = false;
  private stage: Buffer | null = null;
  private staged = 0;
  private spare: Buffer[] = [];

  constructor(private readonly blobs: BlobStore, private readonly threshold: number) {}

  /** True once the message went past the threshold into a blob writer. */
  get spilled(): boolean {
    return this.writer !== null;
  }

  /** Takes bytes valid only during the call (BodyReceiver reuses its buffer): copies them. */
  readonly push = (bytes: Buffer): void => {
    if (this.over) return;
    if (this.writer) return this.copyToStage(bytes);
    this.chunks.push(Buffer.from(bytes));
    this.held += bytes.length;
    if (this.held <= this.threshold) return;
    this.writer = this.blobs.createWriter();
    const all = Buffer.concat(this.chunks);
    this.chunks = [];
    this.held = 0;
    this.enqueue(all, false);
  };

  /** Waits while the writer is behind (backpressure on the socket). */
  async pace(): Promise<void> {
    while (this.queued > PACE_LIMIT && !this.over) await this.chain;
  }

  /** Drops the message: memory freed, a blob being written aborted. */
  async discard(): Promise<void> {
    if (this.over) return;
    this.over = true;
    this.chunks = [];
    this.stage = null;
    this.spare = [];
    const w = this.writer;
    await this.chain;
    await w?.abort();
  }

  /** The whole message: in memory (small) or as a durable blob (large). */
  async finish(): Promise<Spooled> {
    if (this.over) throw new Error('message spool already finished');
    if (!this.writer) {
      this.over = true;
      const raw = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      this.chunks = [];
      return { kind: 'memory', raw };
    }
    if (this.stage && this.staged > 0) this.enqueue(this.stage.subarray(0, this.staged), false);
    this.stage = null;
    const w = this.writer;
    await this.chain;
    this.over = true;
    if (this.error) {
      await w.abort();
      throw this.error;
    }
    return { kind: 'blob', blobId: await w.finish(), size: w.size };
  }

  private copyToStage(bytes: Buffer): void {
    let at = 0;
    while (at < bytes.length) {
      this.stage ??= this.spare.pop() ?? Buffer.allocUnsafeSlow(STAGE_SIZE);
      const n = bytes.copy(this.stage, this.staged, at);
      at += n;
      this.staged += n;
      if (this.staged === STAGE_SIZE) {
        this.enqueue(this.stage, true);
        this.stage = null;
        this.staged = 0;
      }
    }
  }

  /** Writes `bytes` after what is queued; a staging buffer returns to `spare` once written. */
  private enqueue(bytes: Buffer, reuse: boolean): void {
    const w = this.writer!;
    this.queued += bytes.length;
    this.chain = this.chain
      .then(() => (this.error || this.over ? undefined : w.write(bytes)))
      .catch((err: unknown) => {
        this.error ??= err;
      })
      .finally(() => {
        this.queued -= bytes.length;
        if (reuse && !this.over) this.spare.push(bytes);
      });
  }
}
