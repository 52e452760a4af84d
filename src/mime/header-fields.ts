/**
 * BODY[HEADER.FIELDS (…)] and BODY[HEADER.FIELDS.NOT (…)] (RFC 3501 §6.4.5): the subset of
 * a header block whose field names match (case-insensitively, otherwise exactly), as raw
 * bytes with their folding, followed by the blank line that ends the header when it had one.
 * Works on the range sectionRange gives for HEADER or N.HEADER.
 */
import type { ByteRange } from './sections.js';

export function headerFields(raw: Buffer, range: ByteRange, names: string[], not: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const out: Buffer[] = [];
  let keep = false;
  let blank = false;
  let pos = range.start;
  while (pos < range.end) {
    const lf = raw.indexOf(10, pos);
    const next = lf < 0 || lf >= range.end ? range.end : lf + 1;
    const first = raw[pos];
    if (first === 13 || first === 10) {
      // The blank line that ends the header block (RFC 5322 §2.1).
      blank = true;
      break;
    }
    if (first !== 32 && first !== 9) {
      const colon = raw.indexOf(58, pos);
      const name = colon < 0 || colon >= next ? '' : raw.toString('latin1', pos, colon).trim().toLowerCase();
      keep = name !== '' && wanted.has(name) !== not;
    }
    if (keep) out.push(raw.subarray(pos, next));
    pos = next;
  }
  if (blank) out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}
