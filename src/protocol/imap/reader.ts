/**
 * The IMAP tokenizer: a cursor over one command's bytes as the receiver emitted them, with a
 * method per lexical element of RFC 3501 §9 / RFC 9051 §9 (atom, astring, quoted, literal,
 * number, list, date). Every method either consumes its element or throws a BAD ImapError
 * naming what was expected; the cursor never moves backwards except via `mark`/`reset`.
 *
 * Strings are decoded as UTF-8 (quoted strings and literals may carry UTF-8 under
 * UTF8=ACCEPT and IMAP4rev2, RFC 6855 §3, RFC 9051 §4.3). Literal octets are returned as
 * Buffers when a command needs them raw (APPEND).
 */
import { bad } from './errors.js';

const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

// RFC 3501 §9 atom-specials: "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]"
function isAtomChar(c: number): boolean {
  if (c <= 0x1f || c === 0x7f) return false;
  return !(c === 0x28 || c === 0x29 || c === 0x7b || c === SP || c === 0x25 || c === 0x2a || c === DQUOTE || c === BACKSLASH || c === 0x5d);
}
/** ASTRING-CHAR = ATOM-CHAR / resp-specials ("]"). */
function isAstringChar(c: number): boolean {
  return isAtomChar(c) || c === 0x5d;
}
/** list-char = ATOM-CHAR / list-wildcards / resp-specials (RFC 3501 §9 list-mailbox). */
function isListChar(c: number): boolean {
  return isAstringChar(c) || c === 0x25 || c === 0x2a;
}

export class Reader {
  pos: number;

  constructor(readonly buf: Buffer, pos = 0) {
    this.pos = pos;
  }

  atEnd(): boolean {
    const rest = this.buf.length - this.pos;
    return rest === 0 || (rest === 2 && this.buf[this.pos] === CR && this.buf[this.pos + 1] === LF) || (rest === 1 && this.buf[this.pos] === LF);
  }

  /** The next octet, or -1 at the end of the command. */
  peek(): number {
    return this.atEnd() ? -1 : this.buf[this.pos];
  }

  peekChar(ch: string): boolean {
    return this.peek() === ch.charCodeAt(0);
  }

  /** Consumes `ch` if it is next. */
  eat(ch: string): boolean {
    if (!this.peekChar(ch)) return false;
    this.pos++;
    return true;
  }

  expect(ch: string, what = `"${ch}"`): void {
    if (!this.eat(ch)) throw bad(`Expected ${what}`);
  }

  sp(): void {
    if (this.buf[this.pos] !== SP) throw bad('Expected a space');
    this.pos++;
  }

  /** Requires the end of the command (RFC 3501 §9: command ends with CRLF). */
  end(): void {
    if (!this.atEnd()) throw bad('Unexpected characters at the end of the command');
  }

  /** Case-insensitively consumes a keyword if it is next and followed by a delimiter. */
  eatWord(word: string): boolean {
    const n = word.length;
    if (this.buf.length - this.pos < n) return false;
    if (this.buf.toString('latin1', this.pos, this.pos + n).toUpperCase() !== word.toUpperCase()) return false;
    const next = this.buf[this.pos + n];
    if (next !== undefined && isAtomChar(next) && isAtomChar(word.charCodeAt(n - 1))) return false;
    this.pos += n;
    return true;
  }

  /** RFC 3501 §9 atom. */
  atom(what = 'an atom'): string {
    const start = this.pos;
    while (this.pos < this.buf.length && isAtomChar(this.buf[this.pos])) this.pos++;
    if (this.pos === start) throw bad(`Expected ${what}`);
    return this.buf.toString('utf8', start, this.pos);
  }

  /** An atom that may also contain "]" (tags, astrings, section-less keywords). */
  astringAtom(what: string): string {
    const start = this.pos;
    while (this.pos < this.buf.length && isAstringChar(this.buf[this.pos])) this.pos++;
    if (this.pos === start) throw bad(`Expected ${what}`);
    return this.buf.toString('utf8', start, this.pos);
  }

  /** RFC 3501 §9 tag: ASTRING-CHARs except "+". */
  tag(): string {
    const start = this.pos;
    while (this.pos < this.buf.length && isAstringChar(this.buf[this.pos]) && this.buf[this.pos] !== 0x2b) this.pos++;
    if (this.pos === start) throw bad('Missing tag');
    return this.buf.toString('latin1', start, this.pos);
  }

  /** RFC 3501 §9 number (unsigned 32-bit) or number64 when `max` says so (RFC 9051). */
  number(what = 'a number', max = 0xffffffff): number {
    const start = this.pos;
    while (this.pos < this.buf.length && this.buf[this.pos] >= 0x30 && this.buf[this.pos] <= 0x39) this.pos++;
    if (this.pos === start || this.pos - start > 20) throw bad(`Expected ${what}`);
    const n = Number(this.buf.toString('latin1', start, this.pos));
    if (!Number.isSafeInteger(n) || n > max) throw bad(`${what} is out of range`);
    return n;
  }

  nzNumber(what = 'a non-zero number'): number {
    const n = this.number(what);
    if (n === 0) throw bad(`Expected ${what}`);
    return n;
  }

  /** RFC 3501 §9 quoted: DQUOTE *QUOTED-CHAR DQUOTE; only `"` and `\` may be escaped. */
  quoted(): Buffer {
    this.expect('"', 'a quoted string');
    const out: number[] = [];
    for (;;) {
      if (this.pos >= this.buf.length) throw bad('Unterminated quoted string');
      const c = this.buf[this.pos++];
      if (c === DQUOTE) return Buffer.from(out);
      if (c === CR || c === LF || c === 0) throw bad('Invalid character in quoted string');
      if (c === BACKSLASH) {
        const e = this.buf[this.pos++];
        if (e !== DQUOTE && e !== BACKSLASH) throw bad('Invalid escape in quoted string');
        out.push(e);
      } else out.push(c);
    }
  }

  /** RFC 3501 §9 literal (and RFC 7888 `{n+}`); with `allow8`, RFC 3516 literal8 `~{n}`. */
  literal(allow8 = false): { data: Buffer; binary: boolean } {
    const binary = this.eat('~');
    if (binary && !allow8) throw bad('literal8 is not allowed here');
    this.expect('{', 'a literal');
    const size = this.number('a literal size', Number.MAX_SAFE_INTEGER);
    this.eat('+');
    this.expect('}', 'a literal');
    if (this.buf[this.pos] === CR) this.pos++;
    if (this.buf[this.pos] !== LF) throw bad('Expected CRLF after the literal size');
    this.pos++;
    if (this.pos + size > this.buf.length) throw bad('Truncated literal');
    const data = this.buf.subarray(this.pos, this.pos + size);
    this.pos += size;
    if (!binary && data.includes(0)) throw bad('NUL in a literal (use literal8)');
    return { data, binary };
  }

  /** RFC 3501 §9 string = quoted / literal, as raw bytes. */
  stringBytes(): Buffer {
    const c = this.peek();
    if (c === DQUOTE) return this.quoted();
    if (c === 0x7b || (c === 0x7e && this.buf[this.pos + 1] === 0x7b)) return this.literal().data;
    throw bad('Expected a string');
  }

  string(): string {
    return this.stringBytes().toString('utf8');
  }

  /** RFC 3501 §9 astring = 1*ASTRING-CHAR / string. */
  astring(what = 'a string'): string {
    const c = this.peek();
    // "~" starts a literal8 only before "{"; otherwise it is an ordinary ATOM-CHAR.
    if (c === DQUOTE || c === 0x7b || (c === 0x7e && this.buf[this.pos + 1] === 0x7b)) return this.string();
    return this.astringAtom(what);
  }

  /** nstring = string / NIL. */
  nstring(): string | null {
    if (this.eatWord('NIL')) return null;
    return this.string();
  }

  /** RFC 3501 §9 list-mailbox = 1*list-char / string. */
  listMailbox(): string {
    const c = this.peek();
    if (c === DQUOTE || c === 0x7b) return this.string();
    const start = this.pos;
    while (this.pos < this.buf.length && isListChar(this.buf[this.pos])) this.pos++;
    if (this.pos === start) throw bad('Expected a mailbox pattern');
    return this.buf.toString('utf8', start, this.pos);
  }

  /** flag = "\" atom / atom (RFC 3501 §9 flag, flag-keyword, flag-extension). */
  flag(): string {
    if (this.eat('\\')) return '\\' + this.atom('a flag name');
    return this.atom('a flag');
  }

  /** flag-list = "(" [flag *(SP flag)] ")". */
  flagList(): string[] {
    this.expect('(', 'a flag list');
    const out: string[] = [];
    while (!this.eat(')')) {
      if (out.length > 0) this.sp();
      out.push(this.flag());
      if (out.length > 1000) throw bad('Too many flags', 'LIMIT');
    }
    return out;
  }

  /** A parenthesised list of items parsed by `item`, space-separated; `()` allowed if `empty`. */
  list<T>(item: () => T, empty = true, max = 1000): T[] {
    this.expect('(', 'a list');
    const out: T[] = [];
    while (!this.eat(')')) {
      if (out.length > 0) this.sp();
      out.push(item());
      if (out.length > max) throw bad('Too many list items', 'LIMIT');
    }
    if (!empty && out.length === 0) throw bad('Empty list');
    return out;
  }

  /** The rest of the command as text (for AUTHENTICATE responses, IDLE's DONE). */
  rest(): string {
    let end = this.buf.length;
    if (this.buf[end - 1] === LF) end--;
    if (this.buf[end - 1] === CR) end--;
    const s = this.buf.toString('utf8', this.pos, Math.max(this.pos, end));
    this.pos = this.buf.length;
    return s;
  }
}
