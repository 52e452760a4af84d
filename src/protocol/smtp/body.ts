/**
 * The message body receiver (sans-IO) for DATA and BDAT.
 *
 * DATA (`dotStuffed`): removes transparency dots (RFC 5321 §4.5.2) and ends only at
 * CRLF "." CRLF (§4.1.1.4). A bare LF or bare CR (§2.3.8 forbids both) never starts a line
 * and never ends the data: `\n.\n`, `\r.\r`, `\r\n.\n` and `\n.\r\n` are ordinary bytes of
 * this message, which is then rejected as a whole — so no second message can be smuggled
 * past a server or relay that reads line ends differently (SMTP smuggling, 2023).
 *
 * BDAT (not `dotStuffed`): octets are taken as they are (RFC 3030 §2); unless the body is
 * BINARYMIME the same line checks apply, so nothing we relay later can be ambiguous.
 *
 * The size limit is enforced while streaming: past `maxSize` bytes are counted and dropped,
 * so memory stays bounded by the limit (RFC 1870 §6). Of several problems, the highest-ranked is reported.
 * With a `sink`, the un-stuffed bytes are handed on as they are decoded and nothing is kept
 * here at all (the server spools a large message to its blob that way); once the limit is
 * passed the sink gets nothing more.
 */

export type BodyProblem = 'bare-lf' | 'bare-cr' | 'nul' | 'line-too-long' | 'too-big';

export interface BodyOptions {
  dotStuffed: boolean;
  /** Octets of the message allowed; beyond it the body is dropped and 'too-big' reported. */
  maxSize: number;
  /** Longest line allowed, octets without CRLF (RFC 5321 §4.5.3.1.6: 998 + tolerance);
   *  0 turns line checks (bare CR/LF, NUL, length) off, as BINARYMIME needs. */
  maxLineLength: number;
  /** Takes the message bytes as they come; the buffer is valid only during the call (it is
   *  reused, so a 50 MB body does not leave 50 MB of garbage behind). Without a sink the
   *  bytes are collected for body(). */
  sink?: (bytes: Buffer) => void;
}

const RANK: Record<BodyProblem, number> = { 'too-big': 0, 'bare-lf': 1, 'bare-cr': 2, nul: 3, 'line-too-long': 4 };

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

type State = 'sol' | 'mid' | 'cr' | 'dot' | 'dotcr';

export class BodyReceiver {
  private state: State = 'sol';
  private chunks: Buffer[] = [];
  private lineLen = 0;
  private scratch = Buffer.alloc(0);
  /** Octets of the un-stuffed message so far (also past the limit). */
  size = 0;
  problem: BodyProblem | null = null;
  done = false;

  constructor(private readonly opts: BodyOptions) {}

  /** Feeds bytes. For DATA, returns the bytes after the terminating CRLF.CRLF once it is
   *  seen (possibly empty), else null. For BDAT always null. */
  push(chunk: Buffer): Buffer | null {
    const out = this.outFor(chunk.length + 2);
    let o = 0;
    const check = this.opts.maxLineLength > 0;
    // NUL anywhere in the message is refused; only NULs before the end marker count
    const nul = check ? chunk.indexOf(0) : -1;
    let nextCr = -2;
    let nextLf = -2;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      switch (this.state) {
        case 'sol':
          if (this.opts.dotStuffed && b === DOT) {
            this.state = 'dot';
            continue;
          }
          break;
        case 'dot':
          if (b === CR) {
            this.state = 'dotcr';
            continue;
          }
          break; // RFC 5321 §4.5.2: the leading dot of a stuffed line is dropped
        case 'dotcr':
          if (b === LF) {
            if (nul >= 0 && nul < i) this.flag('nul');
            this.commit(out, o);
            this.done = true;
            return chunk.subarray(i + 1);
          }
          if (check) this.flag('bare-cr');
          out[o++] = CR;
          break;
        case 'cr':
          if (b === LF) {
            out[o++] = CR;
            out[o++] = LF;
            this.lineLen = 0;
            this.state = 'sol';
            continue;
          }
          if (check) this.flag('bare-cr');
          out[o++] = CR;
          break;
        case 'mid':
          break;
      }
      // ordinary octets up to the next CR or LF, copied as one run
      this.state = 'mid';
      if (b === CR) {
        this.state = 'cr';
        continue;
      }
      if (b === LF && check) this.flag('bare-lf');
      if (nextCr !== -1 && nextCr <= i) nextCr = chunk.indexOf(CR, i + 1);
      if (nextLf !== -1 && nextLf <= i) nextLf = chunk.indexOf(LF, i + 1);
      const end = Math.min(nextCr < 0 ? chunk.length : nextCr, nextLf < 0 ? chunk.length : nextLf);
      chunk.copy(out, o, i, end);
      o += end - i;
      if (check) {
        this.lineLen += end - i;
        if (this.lineLen > this.opts.maxLineLength) this.flag('line-too-long');
      }
      i = end - 1;
    }
    if (nul >= 0) this.flag('nul');
    this.commit(out, o);
    return null;
  }

  /** BDAT LAST: the body is complete. A trailing lone CR counts as bare. */
  finish(): void {
    if (this.state === 'cr') {
      if (this.opts.maxLineLength > 0) this.flag('bare-cr');
      this.commit(Buffer.from([CR]), 1);
    }
    this.done = true;
  }

  /** The received message (empty when it was too big or went to a sink). */
  body(): Buffer {
    return Buffer.concat(this.chunks);
  }

  private commit(out: Buffer, n: number): void {
    if (n === 0) return;
    this.size += n;
    if (this.size > this.opts.maxSize) {
      this.flag('too-big');
      this.chunks = [];
      return;
    }
    if (this.opts.sink) this.opts.sink(out.subarray(0, n));
    else this.chunks.push(Buffer.from(out.subarray(0, n)));
  }

  /** The output buffer of one push: reused when a sink takes the bytes at once. */
  private outFor(n: number): Buffer {
    if (!this.opts.sink) return Buffer.allocUnsafe(n);
    if (this.scratch.length < n) this.scratch = Buffer.allocUnsafeSlow(Math.max(n, 64 * 1024));
    return this.scratch;
  }

  /** The reported problem is the highest-ranked one met, so chunking never changes it. */
  private flag(p: BodyProblem): void {
    if (this.problem === null || RANK[p] < RANK[this.problem]) this.problem = p;
  }
}
