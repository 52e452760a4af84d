/**
 * Line reading over a Connection for the line-based protocols (POP3): whole lines as bytes,
 * CRLF removed (a bare LF is tolerated). Multi-line responses (RFC 1939 §3) are read by
 * `readMultiline`, which removes byte-stuffing and stops at the lone ".".
 */
import type { Connection } from './connection.js';

export class LineReader {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly conn: Connection) {}

  async line(): Promise<Buffer> {
    for (;;) {
      const lf = this.buf.indexOf(0x0a);
      if (lf >= 0) {
        const end = lf > 0 && this.buf[lf - 1] === 0x0d ? lf - 1 : lf;
        const out = this.buf.subarray(0, end);
        this.buf = this.buf.subarray(lf + 1);
        return out;
      }
      const chunk = await this.conn.next();
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    }
  }

  /** Lines up to the terminating "." (RFC 1939 §3), unstuffed, joined with CRLF. */
  async multiline(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (;;) {
      const l = await this.line();
      if (l.length === 1 && l[0] === 0x2e) return Buffer.concat(parts);
      parts.push(l[0] === 0x2e ? l.subarray(1) : l, CRLF);
    }
  }

  /** Forgets unread bytes (after STLS, RFC 2595 §4). */
  reset(): void {
    this.buf = Buffer.alloc(0);
  }
}

const CRLF = Buffer.from('\r\n');
