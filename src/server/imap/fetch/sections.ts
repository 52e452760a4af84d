/**
 * Body sections of a stored message (RFC 3501 §6.4.5, RFC 9051 §6.4.5), cut from the blob
 * by the byte offsets mime/parse stored at delivery — the message is never re-parsed.
 *
 * Part numbering (RFC 3501 §6.4.5): a multipart's children are 1..n; a non-multipart body
 * (top level or inside message/rfc822) is part 1 of its message; the parts of an embedded
 * message/rfc822 are numbered below it. HEADER, TEXT and HEADER.FIELDS of a part apply to an
 * embedded message/rfc822; MIME is the part's own header block.
 */
import type { MimePart, ParsedMessage } from '../../../mime/types.js';
import type { SectionItem } from '../../../protocol/imap/parse/fetch.js';
import { no } from '../../../protocol/imap/errors.js';

/** A byte range of the blob, or bytes already computed (HEADER.FIELDS, BINARY). */
export type SectionSource = { kind: 'range'; start: number; end: number } | { kind: 'filter-headers'; start: number; end: number };

/** Walks one part number down from a message's body (see header comment). */
function walk(body: MimePart, n: number): MimePart | null {
  if (body.type === 'multipart') return body.children?.[n - 1] ?? null;
  return n === 1 ? body : null;
}

export function findPart(msg: ParsedMessage, nums: number[]): MimePart | null {
  let cur = walk(msg.body, nums[0]);
  for (let i = 1; i < nums.length && cur; i++) {
    if (cur.message) cur = walk(cur.message.body, nums[i]);
    else if (cur.type === 'multipart') cur = cur.children?.[nums[i] - 1] ?? null;
    else cur = null;
  }
  return cur;
}

/** The blob range a section names; null when the part does not exist (answered as empty). */
export function sectionRange(msg: ParsedMessage, item: SectionItem): SectionSource | null {
  // The whole message or its top-level header/text.
  let headerStart = 0;
  let bodyStart = msg.bodyStart;
  let end = msg.size;
  if (item.part.length > 0) {
    const part = findPart(msg, item.part);
    if (!part) return null;
    if (item.text === null) return { kind: 'range', start: part.bodyStart, end: part.bodyEnd };
    if (item.text === 'MIME') return { kind: 'range', start: part.headerStart, end: part.bodyStart };
    if (!part.message) return null;
    headerStart = part.message.headerStart;
    bodyStart = part.message.bodyStart;
    end = part.bodyEnd;
  }
  switch (item.text) {
    case null: return { kind: 'range', start: 0, end };
    case 'TEXT': return { kind: 'range', start: bodyStart, end };
    case 'HEADER': return { kind: 'range', start: headerStart, end: bodyStart };
    case 'HEADER.FIELDS': case 'HEADER.FIELDS.NOT': return { kind: 'filter-headers', start: headerStart, end: bodyStart };
    default: return null;
  }
}

/** RFC 3501 §6.4.5 HEADER.FIELDS (NOT): the matching (or non-matching) fields, then a blank line. */
export function filterHeaders(block: Buffer, fields: string[], not: boolean): Buffer {
  const want = new Set(fields.map((f) => f.toLowerCase()));
  const out: Buffer[] = [];
  let keep = false;
  let pos = 0;
  while (pos < block.length) {
    let eol = block.indexOf(0x0a, pos);
    eol = eol === -1 ? block.length : eol + 1;
    const line = block.subarray(pos, eol);
    pos = eol;
    if (line.length <= 2 && (line[0] === 0x0d || line[0] === 0x0a)) break; // the blank line
    if (line[0] === 0x20 || line[0] === 0x09) {
      if (keep) out.push(line);
      continue;
    }
    const colon = line.indexOf(0x3a);
    const name = (colon === -1 ? '' : line.subarray(0, colon).toString('latin1')).trim().toLowerCase();
    keep = colon !== -1 && want.has(name) !== not;
    if (keep) out.push(line);
  }
  out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}

/** RFC 3516 §4.2: the part's content with its Content-Transfer-Encoding removed. */
export function decodeTransfer(part: MimePart, raw: Buffer): Buffer {
  switch (part.encoding) {
    case '7bit': case '8bit': case 'binary': case '': return raw;
    case 'base64': return Buffer.from(raw.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
    case 'quoted-printable': return decodeQp(raw);
    default: throw no(`Unknown Content-Transfer-Encoding ${part.encoding}`, 'UNKNOWN-CTE');
  }
}

function decodeQp(raw: Buffer): Buffer {
  const out = Buffer.alloc(raw.length);
  let n = 0;
  const hex = (c: number) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 55 : c >= 0x61 && c <= 0x66 ? c - 87 : -1);
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== 0x3d) {
      out[n++] = c;
      continue;
    }
    // RFC 2045 §6.7: "=" CRLF is a soft line break (trailing white space before it allowed).
    let j = i + 1;
    while (j < raw.length && (raw[j] === 0x20 || raw[j] === 0x09)) j++;
    if (raw[j] === 0x0d && raw[j + 1] === 0x0a) { i = j + 1; continue; }
    if (raw[j] === 0x0a) { i = j; continue; }
    const h = hex(raw[i + 1] ?? -1);
    const l = hex(raw[i + 2] ?? -1);
    if (h >= 0 && l >= 0) {
      out[n++] = h * 16 + l;
      i += 2;
    } else out[n++] = c;
  }
  return out.subarray(0, n);
}
