/**
 * The IMAP response writer (RFC 3501 §7, §9): builds response lines as octets, choosing for
 * each string the smallest form that is exact — atom, quoted string, or literal (anything
 * with CR, LF, NUL, or 8-bit octets when the session has not enabled UTF-8, or very long).
 * Mailbox names are modified UTF-7 unless UTF8=ACCEPT/IMAP4rev2 is enabled (RFC 6855 §3).
 */
import { encodeMutf7 } from './mutf7.js';

export type Part = string | Buffer;

/** Encoding choices of one session. */
export interface WriteOptions {
  /** UTF8=ACCEPT or IMAP4rev2 enabled: UTF-8 may appear in quoted strings and mailbox names. */
  utf8: boolean;
}

export class Out {
  /** Text runs and literal octets, alternating: adjacent text is joined as it is written
   *  (the socket then takes a few large pieces, not one per token). */
  readonly parts: Part[] = [];

  raw(s: Part): this {
    const last = this.parts.length - 1;
    if (typeof s === 'string' && last >= 0 && typeof this.parts[last] === 'string') this.parts[last] += s;
    else this.parts.push(s);
    return this;
  }

  /** Pieces another Out wrote (kept and re-used: their Buffers are shared, never changed). */
  rawParts(parts: readonly Part[]): this {
    for (const p of parts) this.raw(p);
    return this;
  }

  /** A literal {n}CRLF followed by the octets (RFC 3501 §4.3). `binary` writes literal8 (RFC 3516). */
  literal(data: Buffer, binary = false): this {
    this.raw(`${binary ? '~' : ''}{${data.length}}\r\n`);
    this.parts.push(data);
    return this;
  }

  /** A string as quoted or literal, whichever is exact (RFC 3501 §4.3). */
  string(s: string | Buffer, opts: WriteOptions = { utf8: false }): this {
    if (typeof s === 'string') {
      // the test on the text itself: the same answer as on its UTF-8 octets, without them
      if (canQuoteText(s, opts.utf8)) return this.raw(quoteText(s));
      return this.literal(Buffer.from(s, 'utf8'));
    }
    if (canQuote(s, opts.utf8)) this.raw(quote(s));
    else this.literal(s);
    return this;
  }

  nstring(s: string | Buffer | null, opts?: WriteOptions): this {
    if (s === null) return this.raw('NIL');
    return this.string(s, opts);
  }

  /** An astring: atom when possible (RFC 3501 §9 astring). */
  astring(s: string, opts?: WriteOptions): this {
    if (/^[!#&'+,\-./0-9:;<=>?@A-Z[^_`a-z|}~\]]+$/.test(s) && s.toUpperCase() !== 'NIL') return this.raw(s);
    return this.string(s, opts);
  }

  /** A mailbox name (RFC 3501 §5.1.3 / RFC 9051 §5.1). */
  mailbox(name: string, opts: WriteOptions): this {
    return this.string(opts.utf8 ? name : encodeMutf7(name), opts);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
  }
}

/** Quoted strings carry no CR, LF or NUL, and 8-bit octets only under UTF-8 (RFC 9051 §4.3),
 *  and at most 1024 octets (longer ones go as literals). */
function canQuoteText(s: string, utf8: boolean): boolean {
  if (s.length > 1024) return false;
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x0d || c === 0x0a || c === 0) return false;
    if (c >= 0x80) {
      if (!utf8) return false;
      ascii = false;
    }
  }
  return ascii || Buffer.byteLength(s, 'utf8') <= 1024;
}

function quoteText(s: string): string {
  return '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

function canQuote(buf: Buffer, utf8: boolean): boolean {
  if (buf.length > 1024) return false;
  for (const c of buf) {
    if (c === 0x0d || c === 0x0a || c === 0) return false;
    if (c >= 0x80 && !utf8) return false;
  }
  return true;
}

function quote(buf: Buffer): string {
  return quoteText(buf.toString('utf8'));
}

/** flag-list of FETCH FLAGS, FLAGS and PERMANENTFLAGS (RFC 3501 §7.2.6). */
export function flagList(flags: readonly string[]): string {
  return `(${flags.join(' ')})`;
}

/** True when `s` may be written as an IMAP atom (e.g. a keyword). */
export function isAtom(s: string): boolean {
  return /^[!#$&'+,\-./0-9:;<=>?@A-Z[^_`a-z|}~]+$/.test(s);
}
