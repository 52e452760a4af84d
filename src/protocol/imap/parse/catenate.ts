/**
 * RFC 4469 §5 CATENATE argument of APPEND:
 *   "CATENATE" SP "(" cat-part *(SP cat-part) ")"
 *   cat-part = "TEXT" SP literal / "URL" SP astring
 * TEXT literals may be literal8 (RFC 4469 §5 with RFC 3516: "text-literal" / literal8).
 * The URLs are kept as text: the server resolves them (and answers [BADURL] for one it
 * cannot use), as parsing happens before the mailbox is known.
 */
import { bad } from '../errors.js';
import type { Reader } from '../reader.js';

export type CatenatePart = { kind: 'text'; data: Buffer; binary: boolean } | { kind: 'url'; url: string };

/** Bounded like MULTIAPPEND's message count: each part may cost a store read. */
export const MAX_CATENATE_PARTS = 256;

/** Reads "(" cat-part *(SP cat-part) ")" — the reader stands after "CATENATE" SP. */
export function readCatenateParts(r: Reader): CatenatePart[] {
  const parts: CatenatePart[] = [];
  r.expect('(');
  do {
    if (r.eatWord('TEXT')) {
      r.sp();
      const { data, binary } = r.literal(true);
      parts.push({ kind: 'text', data, binary });
    } else if (r.eatWord('URL')) {
      r.sp();
      parts.push({ kind: 'url', url: r.astring('a URL') });
    } else throw bad('Expected TEXT or URL in CATENATE');
    if (parts.length > MAX_CATENATE_PARTS) throw bad('Too many CATENATE parts', 'LIMIT');
  } while (r.eat(' '));
  r.expect(')');
  return parts;
}
