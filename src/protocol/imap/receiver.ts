/**
 * The IMAP command receiver (sans-IO): splits the client's byte stream into whole commands.
 *
 * A command is one or more CRLF-terminated lines joined by literals (RFC 3501 §4.3, RFC 9051
 * §4.3): a line ending in `{n}` (synchronising: the server must answer `+` first), `{n+}`
 * (non-synchronising, RFC 7888 LITERAL+) or `~{n}` (literal8, RFC 3516) is followed by exactly
 * n octets and then the rest of the command. The receiver emits the command's bytes exactly as
 * received (literal headers and data included); the tokenizer (reader.ts) walks them.
 *
 * Invariants:
 *  - Nothing is buffered beyond the limits: a line longer than `maxLine` is discarded up to its
 *    CRLF, a literal over `maxLiteral` is refused from its header alone (a synchronising one
 *    before the client sends it; a non-synchronising one is skipped octet by octet without
 *    keeping it), and a command is never larger than `maxCommand`.
 *  - Feeding the same bytes in any chunking yields the same events.
 */

export interface ReceiverLimits {
  /** Longest line (between literals), CRLF included. */
  maxLine: number;
  /** Largest single literal. */
  maxLiteral: number;
  /** Largest whole command (lines and literals). */
  maxCommand: number;
}

export const DEFAULT_LIMITS: ReceiverLimits = { maxLine: 65536, maxLiteral: 64 * 1024 * 1024, maxCommand: 96 * 1024 * 1024 };

export type ReceiverEvent =
  /** A complete command (or, when the server waits for one, a continuation line). */
  | { type: 'command'; data: Buffer }
  /** A synchronising literal was announced and accepted: the server must send `+ …` now. */
  | { type: 'continue'; size: number }
  /** The command was refused for its size; `tag` as far as it could be read ('*' if not). */
  | { type: 'too-big'; tag: string; what: 'line' | 'literal' | 'command' };

type Mode =
  | { kind: 'line' }
  | { kind: 'literal'; left: number }
  /** Discarding: the rest of an over-long line, or a refused non-synchronising literal. */
  | { kind: 'skip-line' }
  | { kind: 'skip-literal'; left: number };

const LF = 0x0a;
// RFC 3501 §9 literal = "{" number "}" CRLF; RFC 7888 adds "+"; RFC 3516 literal8 adds "~".
const LITERAL_AT_END = /(~?)\{(\d{1,20})(\+?)\}\r?\n$/;

export class ImapReceiver {
  private mode: Mode = { kind: 'line' };
  /** Parts of the command so far (complete lines and literals). */
  private parts: Buffer[] = [];
  private partsSize = 0;
  /** The current, not yet terminated line. */
  private line: Buffer[] = [];
  private lineSize = 0;
  /** Last octets of a line being discarded: a literal announced there is discarded too. */
  private skipTail: Buffer = Buffer.alloc(0);

  constructor(private readonly limits: ReceiverLimits = DEFAULT_LIMITS) {}

  /** Feeds bytes; returns the events they complete, in order. */
  push(chunk: Buffer): ReceiverEvent[] {
    const out: ReceiverEvent[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const m = this.mode;
      if (m.kind === 'literal' || m.kind === 'skip-literal') {
        const take = Math.min(m.left, chunk.length - pos);
        if (m.kind === 'literal') this.addPart(chunk.subarray(pos, pos + take));
        m.left -= take;
        pos += take;
        if (m.left === 0) this.mode = { kind: m.kind === 'literal' ? 'line' : 'skip-line' };
        continue;
      }
      const lf = chunk.indexOf(LF, pos);
      const end = lf === -1 ? chunk.length : lf + 1;
      const piece = chunk.subarray(pos, end);
      pos = end;
      if (m.kind === 'skip-line') {
        this.skipTail = Buffer.concat([this.skipTail, piece]).subarray(-28);
        if (lf !== -1) this.endOfSkippedLine();
        continue;
      }
      if (this.lineSize + piece.length > this.limits.maxLine) {
        out.push({ type: 'too-big', tag: this.tagSoFar(piece), what: 'line' });
        this.dropCommand();
        this.mode = { kind: 'skip-line' };
        this.skipTail = Buffer.from(piece.subarray(-28));
        if (lf !== -1) this.endOfSkippedLine();
        continue;
      }
      this.line.push(Buffer.from(piece));
      this.lineSize += piece.length;
      if (lf !== -1) this.endOfLine(out);
    }
    return out;
  }

  /** Forgets any partial command (e.g. after STARTTLS, RFC 3501 §6.2.1). */
  reset(): void {
    this.mode = { kind: 'line' };
    this.dropCommand();
  }

  private endOfSkippedLine(): void {
    const lit = LITERAL_AT_END.exec(this.skipTail.toString('latin1'));
    this.skipTail = Buffer.alloc(0);
    // A synchronising literal in a refused command is never sent: the client got our answer.
    if (lit && lit[3] === '+' && Number(lit[2]) > 0) this.mode = { kind: 'skip-literal', left: Number(lit[2]) };
    else this.reset();
  }

  private endOfLine(out: ReceiverEvent[]): void {
    const line = Buffer.concat(this.line, this.lineSize);
    this.line = [];
    this.lineSize = 0;
    const tail = line.subarray(Math.max(0, line.length - 28)).toString('latin1');
    const lit = LITERAL_AT_END.exec(tail);
    if (!lit) {
      this.addPart(line);
      const data = Buffer.concat(this.parts, this.partsSize);
      this.dropCommand();
      out.push({ type: 'command', data });
      return;
    }
    const size = Number(lit[2]);
    const nonSync = lit[3] === '+';
    const tooBigLiteral = size > this.limits.maxLiteral;
    const tooBigCommand = this.partsSize + line.length + size > this.limits.maxCommand;
    if (tooBigLiteral || tooBigCommand) {
      const tag = this.tagSoFar(line);
      out.push({ type: 'too-big', tag, what: tooBigLiteral ? 'literal' : 'command' });
      this.dropCommand();
      // RFC 7888 §4 choice 1: refuse, then read and discard the non-synchronising literal.
      // A synchronising literal is never sent by the client once refused (RFC 3501 §7.5).
      this.mode = nonSync ? { kind: 'skip-literal', left: size } : { kind: 'line' };
      if (nonSync && size === 0) this.mode = { kind: 'skip-line' };
      return;
    }
    this.addPart(line);
    if (!nonSync) out.push({ type: 'continue', size });
    this.mode = size === 0 ? { kind: 'line' } : { kind: 'literal', left: size };
  }

  private addPart(b: Buffer): void {
    this.parts.push(b);
    this.partsSize += b.length;
  }

  private dropCommand(): void {
    this.parts = [];
    this.partsSize = 0;
    this.line = [];
    this.lineSize = 0;
  }

  /** The tag of the command being refused: its first word, if it looks like a tag. */
  private tagSoFar(extra: Buffer): string {
    const bufs = [...this.parts, ...this.line, extra];
    const headParts: Buffer[] = [];
    let n = 0;
    for (const b of bufs) {
      if (n >= 64) break;
      headParts.push(b);
      n += b.length;
    }
    const head = Buffer.concat(headParts).subarray(0, 64).toString('latin1');
    const m = /^([^\s(){%*"\\\]\x00-\x1f\x7f+]+) /.exec(head);
    return m ? m[1] : '*';
  }
}
