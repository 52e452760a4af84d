/**
 * Body text of one text part, collected while the parser streams past it and decoded when
 * the part ends: transfer encoding (RFC 2045 §6.7 quoted-printable, §6.8 base64), then
 * charset, then HTML reduced to text. Memory is bounded by a budget shared by all parts of
 * one message (RAW_BUDGET) and a cap per part (PART_CAP); text past them is not kept.
 */
import libmime from 'libmime';
import { decodeCharset } from './charset.js';
import { htmlToText } from './html.js';
import type { MimePart } from './types.js';

export const RAW_BUDGET = 4 * 1024 * 1024;
/** One part keeps at most this much, so a huge first part leaves room for the others. */
const PART_CAP = 2 * 1024 * 1024;

export interface Budget {
  raw: number;
}

export class TextCollector {
  private chunks: Buffer[] = [];
  private len = 0;

  constructor(private readonly budget: Budget) {}

  add(buf: Buffer, start: number, end: number): void {
    const room = Math.min(this.budget.raw, PART_CAP - this.len);
    if (room <= 0 || end <= start) return;
    const n = Math.min(end - start, room);
    this.chunks.push(Buffer.from(buf.subarray(start, start + n)));
    this.len += n;
    this.budget.raw -= n;
  }

  /** Drops what was collected and gives its bytes back to the budget. */
  discard(): void {
    this.budget.raw += this.len;
    this.chunks = [];
    this.len = 0;
  }

  /** Decodes the first `bodyLen` collected bytes (the part's body without the line break
   *  that belongs to the next boundary). */
  finish(part: MimePart, bodyLen: number, defects: string[]): string {
    const all = Buffer.concat(this.chunks, this.len).subarray(0, Math.min(this.len, bodyLen));
    this.chunks = [];
    let bytes: Uint8Array = all;
    if (part.encoding === 'base64') bytes = Buffer.from(all.toString('latin1'), 'base64');
    else if (part.encoding === 'quoted-printable') bytes = decodeQP(all);
    const charset = part.params['charset'];
    const { text, known } = decodeCharset(bytes, charset);
    if (!known) defects.push(`${part.path}: unknown charset "${charset}": read as UTF-8`);
    let lf = text.replace(/\r\n?/g, '\n');
    // RFC 3676 §4.2: in format=flowed, a line ending in a space continues on the next.
    if (part.subtype === 'plain' && part.params['format']?.toLowerCase() === 'flowed') {
      lf = libmime.decodeFlowed(lf, part.params['delsp']?.toLowerCase() === 'yes');
    }
    if (part.subtype === 'html') return htmlToText(lf);
    if (part.subtype === 'enriched' || part.subtype === 'richtext') return lf.replace(/<[^>]*>/g, '');
    return lf;
  }
}

const hex = (c: number): number =>
  c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 55 : c >= 0x61 && c <= 0x66 ? c - 87 : -1;

/** RFC 2045 §6.7: =XX is an octet, '=' at a line end is a soft line break; anything
 *  malformed is kept literally (rule 1 robustness note). */
export function decodeQP(src: Uint8Array): Buffer {
  const out = Buffer.alloc(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c !== 0x3d) {
      out[n++] = c;
      continue;
    }
    let j = i + 1;
    while (j < src.length && (src[j] === 0x20 || src[j] === 0x09)) j++;
    if (j < src.length && src[j] === 0x0d && src[j + 1] === 0x0a) {
      i = j + 1;
      continue;
    }
    if (j < src.length && src[j] === 0x0a) {
      i = j;
      continue;
    }
    if (j >= src.length) {
      i = j;
      continue;
    }
    const h1 = hex(src[i + 1] ?? 0);
    const h2 = hex(src[i + 2] ?? 0);
    if (h1 >= 0 && h2 >= 0) {
      out[n++] = h1 * 16 + h2;
      i += 2;
    } else out[n++] = c;
  }
  return out.subarray(0, n);
}
