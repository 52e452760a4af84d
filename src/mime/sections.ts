/**
 * IMAP section specifiers (RFC 3501 §6.4.5, RFC 9051 §6.4.5) resolved to byte ranges of the
 * raw message from the stored ParsedMessage alone, without re-parsing.
 *
 * How MimePart.path maps to section numbers (see types.ts):
 *  - a non-multipart message body (top level, or inside a message/rfc822 part P) is section
 *    "1" (resp. "P.1"); its MIME header is the message header;
 *  - the children of a multipart with path X are "X.1", "X.2", … ("1", "2", … when X is '');
 *  - a multipart that is a message body has no number of its own: its path is the path of
 *    its message ('' at top level, P inside message/rfc822 part P), so its children get the
 *    right numbers, and findPart returns the message/rfc822 part for "P", never the multipart.
 */
import type { MimePart, ParsedMessage } from './types.js';

export interface ByteRange {
  start: number;
  end: number;
}

/** The part a section number ("1", "2.1.3") names, or null when there is none. */
export function findPart(parsed: Pick<ParsedMessage, 'body'>, section: string): MimePart | null {
  if (!/^[1-9][0-9]*(\.[1-9][0-9]*)*$/.test(section)) return null;
  let container: MimePart = parsed.body;
  let isMessageBody = true;
  let cur: MimePart | null = null;
  for (const s of section.split('.')) {
    const n = Number(s);
    if (container.children) cur = container.children[n - 1] ?? null;
    else if (isMessageBody && n === 1) cur = container;
    else return null;
    if (cur === null) return null;
    if (cur.message) {
      container = cur.message.body;
      isMessageBody = true;
    } else {
      container = cur;
      isMessageBody = false;
    }
  }
  return cur;
}

/**
 * Byte range of BODY[<section>] where section is '' (whole message), 'HEADER', 'TEXT',
 * 'N…' (a part's body), 'N….MIME' (its MIME header), 'N….HEADER' / 'N….TEXT' (header or
 * text of the message/rfc822 part N…). HEADER.FIELDS[.NOT] use the HEADER range and filter
 * it. Null when the section does not exist.
 */
export function sectionRange(parsed: Pick<ParsedMessage, 'body' | 'size' | 'bodyStart'>, section: string): ByteRange | null {
  const spec = section.toUpperCase();
  if (spec === '') return { start: 0, end: parsed.size };
  const m = /^(?:([0-9.]+?)\.)?(HEADER(?:\.FIELDS(?:\.NOT)?)?|TEXT|MIME)$/.exec(spec);
  const num = m ? (m[1] ?? '') : spec;
  const what = m ? m[2].replace(/\.FIELDS.*/, '') : '';
  if (num === '') {
    if (what === 'HEADER') return { start: 0, end: parsed.bodyStart };
    if (what === 'TEXT') return { start: parsed.bodyStart, end: parsed.size };
    return null;
  }
  const part = findPart(parsed, num);
  if (!part) return null;
  if (what === '') return { start: part.bodyStart, end: part.bodyEnd };
  if (what === 'MIME') return { start: part.headerStart, end: part.bodyStart };
  // RFC 3501 §6.4.5: HEADER and TEXT of a numbered part apply to message/rfc822 parts.
  if (!part.message) return null;
  if (what === 'HEADER') return { start: part.message.headerStart, end: part.message.bodyStart };
  return { start: part.message.bodyStart, end: part.bodyEnd };
}
