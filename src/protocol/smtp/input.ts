/**
 * The server's input buffer (sans-IO): bytes from the socket go in with `push`, and the
 * session takes them out in the unit its current mode wants — one command line, a BDAT
 * chunk's bytes, or everything (DATA). Nothing is read ahead of what the session asks for,
 * so pipelined commands (RFC 2920) wait in order and a mode switch (354, BDAT, STARTTLS)
 * applies exactly at the right byte.
 * Invariant: a command line longer than the limit is never buffered whole: the excess is
 * dropped and reported once as `too-long` when its end arrives (RFC 5321 §4.5.3.1.4).
 */

export type LineResult = { kind: 'line'; line: Buffer } | { kind: 'too-long' };

export class SmtpInput {
  private buf: Buffer = Buffer.alloc(0);
  private discarding = false;

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }

  /** Octets buffered and not yet taken. */
  get pending(): number {
    return this.buf.length;
  }

  /** The next line without its line end, or null until a whole one has arrived. `max` is
   *  the limit including CRLF (512 for commands). A bare LF ends a command line too. */
  readLine(max: number): LineResult | null {
    const nl = this.buf.indexOf(0x0a);
    if (nl < 0) {
      if (this.buf.length > max) {
        this.discarding = true;
        this.buf = Buffer.alloc(0);
      }
      return null;
    }
    let line = this.buf.subarray(0, nl);
    this.buf = this.buf.subarray(nl + 1);
    if (this.discarding) {
      this.discarding = false;
      return { kind: 'too-long' };
    }
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    if (line.length + 2 > max) return { kind: 'too-long' };
    return { kind: 'line', line: Buffer.from(line) };
  }

  /** Up to `max` buffered octets (fewer when fewer have arrived), or null when none. */
  readBytes(max: number): Buffer | null {
    if (this.buf.length === 0 || max <= 0) return null;
    const n = Math.min(max, this.buf.length);
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Everything buffered. */
  takeAll(): Buffer {
    const out = this.buf;
    this.buf = Buffer.alloc(0);
    return out;
  }

  /** Puts bytes back at the front (what followed the end of DATA). */
  unshift(bytes: Buffer): void {
    if (bytes.length > 0) this.buf = this.buf.length === 0 ? bytes : Buffer.concat([bytes, this.buf]);
  }

  /** Drops everything buffered: after STARTTLS, plaintext that followed must not be
   *  executed inside TLS (RFC 3207 §4.2, the command-injection attack). Returns the count. */
  clear(): number {
    const n = this.buf.length;
    this.buf = Buffer.alloc(0);
    this.discarding = false;
    return n;
  }
}
