/**
 * SMTP replies, both directions (sans-IO). The server formats with `formatReply`; the
 * outbound client (mta/transport) and tests parse with `ReplyParser`, fed any chunking.
 * Invariants: every line of a formatted reply carries the same code and, when given, the
 * enhanced status code (RFC 2034 §4); lines end with CRLF; text never contains CR or LF.
 */

export interface Reply {
  code: number;
  /** RFC 3463 enhanced status code ('5.1.1'), or null when the reply carries none. */
  enhanced: string | null;
  /** Text of each line, without code and enhanced code. */
  lines: string[];
}

const LINE_BREAK = /[\r\n]/;

/** RFC 5321 §4.2.1: `code-text CRLF` for every line but the last, `code SP text CRLF` last.
 *  RFC 2034 §4: the enhanced code starts the text of every line. */
export function formatReply(code: number, enhanced: string | null, text: string | string[]): string {
  // the usual one-line reply, without splitting (every session sends a handful)
  if (typeof text === 'string' && !LINE_BREAK.test(text)) return `${code} ${enhanced ? (text ? `${enhanced} ${text}` : enhanced) : text}\r\n`;
  const lines = (Array.isArray(text) ? text : [text]).flatMap((t) => t.split(/\r?\n|\r/));
  if (lines.length === 0) lines.push('');
  let out = '';
  lines.forEach((line, i) => {
    const sep = i === lines.length - 1 ? ' ' : '-';
    const body = enhanced ? (line ? `${enhanced} ${line}` : enhanced) : line;
    out += `${code}${sep}${body}\r\n`;
  });
  return out;
}

/** The whole reply as one line of text ('550 5.1.1 No such user'), for logs and queue rows. */
export function replyToString(r: Reply): string {
  return `${r.code}${r.enhanced ? ` ${r.enhanced}` : ''} ${r.lines.join(' / ')}`.trimEnd();
}

const LINE = /^(\d{3})([ -])(.*)$/s;
const ENHANCED = /^([245]\.\d{1,3}\.\d{1,3})(?: (.*))?$/s;

/** RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets; we accept up to this many before
 *  calling the peer broken. */
const MAX_REPLY_LINE = 4096;

/**
 * Incremental reply parser: `push(chunk)` returns every reply completed by it. Throws
 * SyntaxError for a line that is not `ddd[ -]text` or for a continuation whose code differs.
 */
export class ReplyParser {
  private buf = '';
  private pending: Reply | null = null;

  push(chunk: Uint8Array | string): Reply[] {
    this.buf += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const out: Reply[] = [];
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl).replace(/\r$/, '');
      this.buf = this.buf.slice(nl + 1);
      const done = this.line(line);
      if (done) out.push(done);
    }
    if (this.buf.length > MAX_REPLY_LINE) throw new SyntaxError('SMTP reply line too long');
    return out;
  }

  private line(line: string): Reply | null {
    const m = LINE.exec(line) ?? (/^\d{3}$/.test(line) ? [line, line, ' ', ''] : null);
    if (!m) throw new SyntaxError(`not an SMTP reply line: ${JSON.stringify(line.slice(0, 80))}`);
    const code = Number(m[1]);
    if (this.pending && this.pending.code !== code) throw new SyntaxError(`reply code changed mid-reply: ${line.slice(0, 80)}`);
    const e = code >= 200 && code < 600 ? ENHANCED.exec(m[3]) : null;
    const text = e ? (e[2] ?? '') : m[3];
    const r = (this.pending ??= { code, enhanced: e ? e[1] : null, lines: [] });
    r.lines.push(text);
    if (m[2] === '-') return null;
    this.pending = null;
    return r;
  }
}
