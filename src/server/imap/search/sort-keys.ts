/**
 * Sort keys of RFC 5256 §3 (and RFC 5957 DISPLAYFROM/DISPLAYTO) computed from the stored
 * metadata: the base subject (RFC 5256 §2.1), the first address's mailbox, the sent date
 * (internal date when the Date: field is missing or unreadable). Strings compare with
 * i;unicode-casemap, approximated by comparing upper-cased strings by code point.
 */
import type { EnvelopeAddress, ParsedMessage } from '../../../mime/types.js';
import type { SortKey } from '../../../protocol/imap/parse/sort.js';
import type { MessageRow } from '../../../store/types.js';
import { decodeText } from '../../../mime/words.js';

const BLOB = '\\[[^[\\]]*\\] *';
const LEADER = new RegExp(`^(?:(?:${BLOB})*(?:re|fwd?) *(?:${BLOB})?:|\\s+)`, 'i');
const LEADING_BLOB = new RegExp(`^${BLOB}`);

/** RFC 5256 §2.1 base subject. */
export function baseSubject(subject: string): string {
  return baseSubjectInfo(subject).base;
}

/** RFC 5256 §2.1 base subject, and whether extracting it removed a subj-refwd, a "(fwd)"
 *  trailer or a subj-fwd-hdr/trl: what §3 REFERENCES calls "a reply or forward". */
export function baseSubjectInfo(subject: string): { base: string; reply: boolean } {
  let s = subject.replace(/\s+/g, ' ');
  let reply = false;
  for (;;) {
    // (2) trailing "(fwd)" and white space
    for (let prev = ''; prev !== s;) {
      prev = s;
      s = s.replace(/(\(fwd\)| )$/i, (m) => {
        if (m !== ' ') reply = true;
        return '';
      });
    }
    // (3)-(5) leading "re:" / "fw:" / "fwd:" with blobs, and leading blobs that leave something
    for (let prev = ''; prev !== s;) {
      prev = s;
      s = s.replace(LEADER, (m) => {
        if (m.trim() !== '') reply = true;
        return '';
      });
      const m = LEADING_BLOB.exec(s);
      if (m && s.length > m[0].length) s = s.slice(m[0].length);
    }
    // (6) "[fwd: ... ]"
    const fwd = /^\[fwd:(.*)\]$/i.exec(s);
    if (!fwd) return { base: s.trim(), reply };
    reply = true;
    s = fwd[1];
  }
}

/** The first address as ENVELOPE lists it; a group start counts, with its name as mailbox
 *  (as Dovecot sorts). */
function firstAddress(list: EnvelopeAddress[] | null): EnvelopeAddress | null {
  return list?.[0] ?? null;
}

/** RFC 5957 §3: the display name, else the address (for a group, its name). */
function display(list: EnvelopeAddress[] | null): string {
  const a = firstAddress(list);
  if (!a) return '';
  const name = a.name ? decodeText(a.name).trim() : '';
  if (name) return name;
  return a.host === null ? (a.mailbox ?? '') : `${a.mailbox ?? ''}@${a.host}`;
}

export type SortValue = number | string;

export function sortValue(key: SortKey, row: MessageRow, meta: ParsedMessage): SortValue {
  const env = meta.envelope;
  switch (key) {
    case 'ARRIVAL': return row.internalDate;
    case 'SIZE': return row.size;
    case 'DATE': return meta.sentDate ?? row.internalDate;
    case 'SUBJECT': return baseSubject(meta.subject).toUpperCase();
    case 'FROM': return (firstAddress(env.from)?.mailbox ?? '').toUpperCase();
    case 'TO': return (firstAddress(env.to)?.mailbox ?? '').toUpperCase();
    case 'CC': return (firstAddress(env.cc)?.mailbox ?? '').toUpperCase();
    case 'DISPLAYFROM': return display(env.from).toUpperCase();
    case 'DISPLAYTO': return display(env.to).toUpperCase();
  }
}

export function compareValues(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
