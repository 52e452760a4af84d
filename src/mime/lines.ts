/**
 * Splits a byte stream fed in arbitrary chunks into line segments. A segment is
 * buf[start, end) and either ends with LF (`hasLF`) or is a fragment: the tail of the input
 * at end(), or a piece of a line longer than FRAGMENT bytes (so one huge line never sits in
 * memory whole). Lines inside a chunk are passed without copying; only a line split across
 * chunks is joined.
 */

export const FRAGMENT = 64 * 1024;

export type SegmentSink = (buf: Buffer, start: number, end: number, hasLF: boolean) => void;

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingLen = 0;

  constructor(private readonly sink: SegmentSink) {}

  push(chunk: Buffer): void {
    let pos = 0;
    const n = chunk.length;
    if (this.pendingLen > 0) {
      const lf = chunk.indexOf(10);
      if (lf < 0) {
        this.hold(chunk, 0);
        return;
      }
      this.pending.push(chunk.subarray(0, lf + 1));
      const line = Buffer.concat(this.pending, this.pendingLen + lf + 1);
      this.pending = [];
      this.pendingLen = 0;
      this.sink(line, 0, line.length, true);
      pos = lf + 1;
    }
    const sink = this.sink;
    while (pos < n) {
      const lf = chunk.indexOf(10, pos);
      if (lf < 0) break;
      sink(chunk, pos, lf + 1, true);
      pos = lf + 1;
    }
    if (pos < n) this.hold(chunk, pos);
  }

  /** Flushes a final line that has no line break. */
  end(): void {
    if (this.pendingLen === 0) return;
    const line = Buffer.concat(this.pending, this.pendingLen);
    this.pending = [];
    this.pendingLen = 0;
    this.sink(line, 0, line.length, false);
  }

  private hold(chunk: Buffer, from: number): void {
    this.pending.push(chunk.subarray(from));
    this.pendingLen += chunk.length - from;
    if (this.pendingLen > FRAGMENT) {
      // An over-long line: hand it on as a fragment (keeping a trailing CR with the LF that
      // may follow, so CRLF detection still works).
      const all = Buffer.concat(this.pending, this.pendingLen);
      const cut = all[all.length - 1] === 13 ? all.length - 1 : all.length;
      this.pending = cut < all.length ? [all.subarray(cut)] : [];
      this.pendingLen = all.length - cut;
      this.sink(all, 0, cut, false);
    }
  }
}
