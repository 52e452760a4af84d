/**
 * Body sections of a stored message (RFC 3501 §6.4.5, RFC 9051 §6.4.5), cut from the blob
 * by the byte offsets mime/parse stored at delivery — the message is never re-parsed.
 * Part numbering and ranges come from mime/sections; this module adds HEADER.FIELDS
 * filtering and BINARY's Content-Transfer-Encoding decoding (RFC 3516).
 */
import type { MimePart } from '../../../mime/types.js';
import type { FetchMetadata } from './metadata.js';
import type { SectionItem } from '../../../protocol/imap/parse/fetch.js';
import { no } from '../../../protocol/imap/errors.js';
import { findPart as mimeFindPart, sectionRange as mimeSectionRange } from '../../../mime/sections.js';

/** The blob range a section names (mime/sections does the part walk); null when the part
 *  does not exist (answered as an empty string). HEADER.FIELDS ranges are filtered after. */
export function sectionRange(msg: FetchMetadata, item: SectionItem): { start: number; end: number; filter: boolean } | null {
  const spec = [item.part.join('.'), item.text ?? ''].filter(Boolean).join('.');
  const r = mimeSectionRange(msg, spec);
  return r ? { ...r, filter: item.text === 'HEADER.FIELDS' || item.text === 'HEADER.FIELDS.NOT' } : null;
}

/** The part a list of part numbers names. */
export function findPart(msg: FetchMetadata, nums: number[]): MimePart | null {
  return mimeFindPart(msg, nums.join('.'));
}

/** RFC 3501 §6.4.5 HEADER.FIELDS (NOT): the matching (or non-matching) fields, then a blank
 *  line. Field names compare case-insensitively with white space around them ignored; a
 *  line without a colon is never kept. Works on the octets: a name is decoded only when its
 *  length is that of a wanted one, and the kept lines are copied once. */
export function filterHeaders(block: Buffer, fields: string[], not: boolean): Buffer {
  const want = new Set(fields.map((f) => f.toLowerCase()));
  const lengths = new Set([...want].map((f) => f.length));
  const kept: number[] = []; // [start, end) pairs, adjacent ones merged
  let keep = false;
  let pos = 0;
  while (pos < block.length) {
    let eol = block.indexOf(0x0a, pos);
    eol = eol === -1 ? block.length : eol + 1;
    const start = pos;
    pos = eol;
    if (eol - start <= 2 && (block[start] === 0x0d || block[start] === 0x0a)) break; // the blank line
    if (block[start] !== 0x20 && block[start] !== 0x09) {
      const colon = block.indexOf(0x3a, start);
      if (colon === -1 || colon >= eol) keep = false;
      else {
        let a = start;
        let b = colon;
        while (a < b && isSpace(block[a])) a++;
        while (b > a && isSpace(block[b - 1])) b--;
        const named = lengths.has(b - a) && want.has(block.toString('latin1', a, b).toLowerCase());
        keep = named !== not;
      }
    }
    if (!keep) continue;
    if (kept.length > 0 && kept[kept.length - 1] === start) kept[kept.length - 1] = eol;
    else kept.push(start, eol);
  }
  let size = 2;
  for (let i = 0; i < kept.length; i += 2) size += kept[i + 1] - kept[i];
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < kept.length; i += 2) at += block.copy(out, at, kept[i], kept[i + 1]);
  out[at] = 0x0d;
  out[at + 1] = 0x0a;
  return out;
}

/** The characters String.prototype.trim removes from a latin1-decoded name. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
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

/** RFC 2045 §6.7: "=XX" octets, "=" at line end is a soft break, trailing white space is dropped. */
function decodeQp(raw: Buffer): Buffer {
  const out: number[] = [];
  const hex = (c: number) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 55 : c >= 0x61 && c <= 0x66 ? c - 87 : -1);
  let start = 0;
  while (start < raw.length) {
    const lf = raw.indexOf(0x0a, start);
    const hasEol = lf !== -1;
    let end = hasEol ? lf : raw.length;
    const next = hasEol ? lf + 1 : raw.length;
    if (hasEol && end > start && raw[end - 1] === 0x0d) end--;
    while (end > start && (raw[end - 1] === 0x20 || raw[end - 1] === 0x09)) end--;
    let soft = false;
    for (let i = start; i < end; i++) {
      const c = raw[i];
      if (c !== 0x3d) {
        out.push(c);
        continue;
      }
      if (i === end - 1) {
        soft = true;
        break;
      }
      const h = hex(raw[i + 1]);
      const l = i + 2 < end ? hex(raw[i + 2]) : -1;
      if (h >= 0 && l >= 0) {
        out.push(h * 16 + l);
        i += 2;
      } else out.push(c);
    }
    if (hasEol && !soft) out.push(0x0d, 0x0a);
    start = next;
  }
  return Buffer.from(out);
}
