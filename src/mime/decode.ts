/**
 * Content of one part or attachment from the raw message and its stored offsets, for
 * IMAP BINARY (RFC 3516), attachment downloads and the mail client: undo the transfer
 * encoding (RFC 2045 §6.7 quoted-printable, §6.8 base64; 7bit/8bit/binary as is), or a
 * uuencoded block. Text can then be read in its charset. Never throws on bad data.
 */
import { decodeCharset } from './charset.js';
import { htmlToText } from './html.js';
import { decodeQP } from './text.js';
import type { AttachmentInfo, MimePart } from './types.js';

/** True when decodeBody knows the part's Content-Transfer-Encoding (RFC 3516 §4.3: else
 *  the server answers with UNKNOWN-CTE). */
export function knownEncoding(part: MimePart): boolean {
  return ['7bit', '8bit', 'binary', 'base64', 'quoted-printable'].includes(part.encoding);
}

/** The part's body with its transfer encoding undone. */
export function decodeBody(raw: Buffer, part: MimePart): Buffer {
  const body = raw.subarray(part.bodyStart, part.bodyEnd);
  if (part.encoding === 'base64') return Buffer.from(body.toString('latin1'), 'base64');
  if (part.encoding === 'quoted-printable') return decodeQP(body);
  return Buffer.from(body);
}

/** The part as text: transfer encoding and charset undone; HTML reduced to text if asked. */
export function partText(raw: Buffer, part: MimePart, opts: { htmlToText?: boolean } = {}): string {
  const text = decodeCharset(decodeBody(raw, part), part.params['charset']).text;
  return opts.htmlToText && part.subtype === 'html' ? htmlToText(text) : text;
}

/** The file of an attachment: a whole part, or a uuencoded block inside a text part. */
export function attachmentContent(raw: Buffer, att: AttachmentInfo, part: MimePart): Buffer {
  if (att.encoding === 'uuencode' && att.start !== undefined && att.end !== undefined) {
    return decodeUuencode(raw.subarray(att.start, att.end));
  }
  return decodeBody(raw, part);
}

/** Decodes a `begin … end` block (its data lines; the begin and end lines are skipped). */
export function decodeUuencode(block: Buffer): Buffer {
  const out: number[] = [];
  const lines = block.toString('latin1').split(/\r?\n/);
  for (const line of lines) {
    if (/^begin [0-7]{3,4} /.test(line) || line.trim() === 'end' || line.length === 0) continue;
    const n = (line.charCodeAt(0) - 32) & 63;
    const c = (i: number): number => ((line.charCodeAt(i) || 32) - 32) & 63;
    for (let i = 1, k = 0; k < n; i += 4) {
      const a = c(i), b = c(i + 1), d = c(i + 2), e = c(i + 3);
      const bytes = [(a << 2) | (b >> 4), ((b & 15) << 4) | (d >> 2), ((d & 3) << 6) | e];
      for (const x of bytes) if (k++ < n) out.push(x & 255);
    }
  }
  return Buffer.from(out);
}
