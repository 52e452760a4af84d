/**
 * Server responses of IMAP (RFC 3501 §7, RFC 9051 §7) parsed for the client. Framing (lines
 * joined by literals) is done by the sans-IO receiver of protocol/imap, which frames server
 * responses exactly as it frames commands (same `{n}` CRLF rule, RFC 3501 §4.3); the cursor
 * (protocol/imap/reader) reads quoted strings and literals. Values are kept generic
 * (atom/quoted → string, literal → Buffer, NIL → null, parenthesised list → array) and
 * interpreted by the client per response.
 */
import { Reader } from '../protocol/imap/reader.js';
import type { Envelope, EnvelopeAddress } from '../mime/types.js';

export type ImapValue = string | Buffer | null | ImapValue[];

export type StatusWord = 'OK' | 'NO' | 'BAD' | 'BYE' | 'PREAUTH';

export interface RespCode {
  /** Upper-case name: 'UIDVALIDITY', 'CAPABILITY', 'AUTHENTICATIONFAILED', … */
  name: string;
  /** The rest inside the brackets, as sent. */
  args: string;
}

export type ImapResponse =
  | { kind: 'continue'; text: string }
  | { kind: 'status'; tag: string; status: StatusWord; code: RespCode | null; text: string }
  /** Untagged data: `* 5 EXISTS` (num 5), `* 3 FETCH (...)`, `* LIST (...) "/" INBOX`, … */
  | { kind: 'data'; num: number | null; name: string; values: ImapValue[] };

const STATUS = new Set(['OK', 'NO', 'BAD', 'BYE', 'PREAUTH']);
const SP = 0x20;

export function parseResponse(data: Buffer): ImapResponse {
  const r = new Reader(data);
  if (r.eat('+')) {
    r.eat(' ');
    return { kind: 'continue', text: r.rest() };
  }
  const tag = word(r);
  r.eat(' ');
  let num: number | null = null;
  let name = word(r).toUpperCase();
  if (/^\d+$/.test(name)) {
    num = Number(name);
    r.eat(' ');
    name = word(r).toUpperCase();
  }
  if (num === null && STATUS.has(name)) {
    r.eat(' ');
    let code: RespCode | null = null;
    if (r.peekChar('[')) {
      const close = data.indexOf(0x5d, r.pos); // RFC 3501 §9 resp-text-code ends at "]"
      const inner = data.toString('utf8', r.pos + 1, close < 0 ? data.length : close);
      r.pos = close < 0 ? data.length : close + 1;
      r.eat(' ');
      const sp = inner.indexOf(' ');
      code = { name: (sp < 0 ? inner : inner.slice(0, sp)).toUpperCase(), args: sp < 0 ? '' : inner.slice(sp + 1) };
    }
    return { kind: 'status', tag, status: name as StatusWord, code, text: r.rest() };
  }
  if (tag !== '*') throw new SyntaxError(`unexpected IMAP response: ${data.toString('utf8', 0, 80)}`);
  const values: ImapValue[] = [];
  while (!r.atEnd()) {
    if (r.buf[r.pos] === SP) {
      r.pos++;
      continue;
    }
    values.push(value(r));
  }
  return { kind: 'data', num, name, values };
}

function word(r: Reader): string {
  const start = r.pos;
  while (r.pos < r.buf.length && r.buf[r.pos] !== SP && r.buf[r.pos] !== 0x0d && r.buf[r.pos] !== 0x0a) r.pos++;
  return r.buf.toString('utf8', start, r.pos);
}

/** One value: list, quoted, literal, NIL or atom (an atom may hold a `[...]` section with spaces). */
export function value(r: Reader): ImapValue {
  const c = r.peek();
  if (c === 0x28) {
    r.pos++;
    const out: ImapValue[] = [];
    for (;;) {
      if (r.eat(')')) return out;
      if (r.atEnd()) throw new SyntaxError('unterminated list in IMAP response');
      if (r.buf[r.pos] === SP) {
        r.pos++;
        continue;
      }
      out.push(value(r));
    }
  }
  if (c === 0x22) return r.quoted().toString('utf8');
  if (c === 0x7b || c === 0x7e) return Buffer.from(r.literal(true).data);
  const start = r.pos;
  let depth = 0;
  while (r.pos < r.buf.length) {
    const b = r.buf[r.pos];
    if (b === 0x5b) depth++;
    else if (b === 0x5d) depth--;
    else if (depth <= 0 && (b === SP || b === 0x28 || b === 0x29 || b === 0x0d || b === 0x0a)) break;
    r.pos++;
  }
  if (r.pos === start) throw new SyntaxError(`unexpected character in IMAP response at ${start}`);
  const atom = r.buf.toString('utf8', start, r.pos);
  return atom.toUpperCase() === 'NIL' ? null : atom;
}

/** A value as text (literal decoded as UTF-8), null for NIL. */
export function text(v: ImapValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return null;
}

export function list(v: ImapValue | undefined): ImapValue[] {
  return Array.isArray(v) ? v : [];
}

/** A FETCH response's attribute list as a map with upper-case keys (RFC 3501 §7.4.2). */
export function fetchAttributes(values: ImapValue[]): Map<string, ImapValue> {
  const items = list(values[0]);
  const out = new Map<string, ImapValue>();
  for (let i = 0; i + 1 < items.length; i += 2) out.set(String(text(items[i])).toUpperCase(), items[i + 1]);
  return out;
}

function address(v: ImapValue): EnvelopeAddress {
  const a = list(v);
  return { name: text(a[0]), adl: text(a[1]), mailbox: text(a[2]), host: text(a[3]) };
}

function addresses(v: ImapValue | undefined): EnvelopeAddress[] | null {
  return Array.isArray(v) ? v.map(address) : null;
}

/** RFC 3501 §7.4.2 ENVELOPE into the shape mime/types uses. */
export function envelope(v: ImapValue | undefined): Envelope {
  const e = list(v);
  return {
    date: text(e[0]),
    subject: text(e[1]),
    from: addresses(e[2]),
    sender: addresses(e[3]),
    replyTo: addresses(e[4]),
    to: addresses(e[5]),
    cc: addresses(e[6]),
    bcc: addresses(e[7]),
    inReplyTo: text(e[8]),
    messageId: text(e[9]),
  };
}

/** True when a BODYSTRUCTURE (RFC 3501 §7.4.2) has a part a person would call an attachment:
 *  a Content-Disposition of attachment, or a named part. */
export function hasAttachment(v: ImapValue | undefined): boolean {
  const b = list(v);
  if (b.length === 0) return false;
  if (Array.isArray(b[0])) return b.some((x) => Array.isArray(x) && hasAttachment(x));
  const type = String(text(b[0])).toLowerCase();
  const subtype = String(text(b[1])).toLowerCase();
  const params = list(b[2]).map((x) => String(text(x)).toLowerCase());
  if (params.includes('name')) return true;
  // basic fields are 7; text adds lines; message/rfc822 adds envelope, body, lines; then MD5, disposition
  const ext = 7 + (type === 'text' ? 1 : type === 'message' && (subtype === 'rfc822' || subtype === 'global') ? 3 : 0);
  const disp = list(b[ext + 1]);
  return String(text(disp[0]) ?? '').toLowerCase() === 'attachment';
}
