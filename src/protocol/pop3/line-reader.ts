/**
 * Splits the client's byte stream into lines (RFC 1939 §3: CRLF-terminated; a bare LF is
 * accepted too). A line over the limit is never buffered whole: its bytes are dropped up to
 * the next LF and one `too-long` item is produced instead, so the session can answer -ERR
 * and go on. The limit is RFC 2449 §4's 255 octets (CRLF included) for commands; SASL
 * responses may be longer (RFC 5034 §4), so the session raises it while AUTH runs.
 */

export type Pop3Input = { kind: 'line'; text: string } | { kind: 'too-long' };

/** RFC 2449 §4: command lines up to 255 octets including the terminating CRLF. */
export const MAX_COMMAND_LINE = 255;

export class Pop3LineReader {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private discarding = false;

  constructor(public limit: number = MAX_COMMAND_LINE) {}

  /** Feeds bytes; returns the complete lines they finish, in order. */
  push(chunk: Buffer): Pop3Input[] {
    const out: Pop3Input[] = [];
    let from = 0;
    while (from < chunk.length) {
      const lf = chunk.indexOf(0x0a, from);
      const end = lf === -1 ? chunk.length : lf + 1;
      const piece = chunk.subarray(from, end);
      from = end;
      if (this.discarding) {
        if (lf !== -1) this.discarding = false;
        continue;
      }
      this.pending.push(piece);
      this.pendingLength += piece.length;
      if (lf === -1) {
        if (this.pendingLength > this.limit) this.overflow(out, false);
        continue;
      }
      if (this.pendingLength > this.limit) {
        this.overflow(out, true);
        continue;
      }
      const line = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
      this.pending = [];
      this.pendingLength = 0;
      const n = line.length >= 2 && line[line.length - 2] === 0x0d ? 2 : 1;
      out.push({ kind: 'line', text: line.toString('utf8', 0, line.length - n) });
    }
    return out;
  }

  /** Drops buffered input (after STLS: RFC 2595 §4 / RFC 3207 §6 plaintext injection). */
  reset(): void {
    this.pending = [];
    this.pendingLength = 0;
    this.discarding = false;
  }

  /** Bytes received and not yet a complete line. */
  get buffered(): number {
    return this.pendingLength;
  }

  private overflow(out: Pop3Input[], ended: boolean): void {
    this.pending = [];
    this.pendingLength = 0;
    this.discarding = !ended;
    out.push({ kind: 'too-long' });
  }
}
