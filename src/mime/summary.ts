/**
 * The per-message fields a mail store keeps in columns beside the metadata JSON, so SEARCH
 * and SORT run on short columns in the database instead of parsing every message's
 * metadata: the decoded subject (lower-cased, for SEARCH SUBJECT), the sort keys of RFC 5256 §3 and RFC 5957 (base subject, first address's
 * mailbox, display name), the sent date and its calendar day, the Message-ID. Computed once
 * at delivery (and by the migration for existing rows) from the parsed message.
 *
 * Sort strings are upper-cased so that comparing them by code point approximates the
 * i;unicode-casemap collation RFC 5256 §3 asks for.
 */
import type { EnvelopeAddress, ParsedMessage } from './types.js';
import { decodeText } from './words.js';

export interface MessageSummaryFields {
  /** Decoded Subject, lower-cased: SEARCH SUBJECT is a case-insensitive substring match
   *  (RFC 3501 §6.4.4) done by the database on this column with a lower-cased needle. */
  searchSubject: string;
  /** RFC 5256 §2.1 base subject, upper-cased (SORT SUBJECT). */
  sortSubject: string;
  /** First address's mailbox, upper-cased (SORT FROM / TO / CC). */
  sortFrom: string;
  sortTo: string;
  sortCc: string;
  /** RFC 5957 §3 display name, else the address, upper-cased (SORT DISPLAYFROM / DISPLAYTO). */
  sortDisplayFrom: string;
  sortDisplayTo: string;
  /** Date: field, epoch ms, null when missing or unreadable (SORT DATE falls back to arrival). */
  sentDate: number | null;
  /** The Date: field's own calendar day, disregarding time and zone (RFC 3501 §6.4.4 SENT*),
   *  as epoch ms of that day's UTC midnight; null without a usable Date: field. */
  sentDay: number | null;
  messageId: string | null;
}

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

/** RFC 5957 §3: the display name, else the address (for a group, its name). The first
 *  address as ENVELOPE lists it; a group start counts, with its name (as Dovecot sorts). */
function display(list: EnvelopeAddress[] | null): string {
  const a = list?.[0];
  if (!a) return '';
  const name = a.name ? decodeText(a.name).trim() : '';
  if (name) return name;
  return a.host === null ? (a.mailbox ?? '') : `${a.mailbox ?? ''}@${a.host}`;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** RFC 3501 §6.4.4 SENT*: the Date: field's own calendar day, disregarding time and zone. */
function sentDayOf(meta: ParsedMessage): number | null {
  const raw = meta.headers.find(([n]) => n.toLowerCase() === 'date')?.[1];
  const m = raw ? /(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})/.exec(raw) : null;
  const mon = m ? MONTHS.indexOf(m[2].toLowerCase()) : -1;
  if (m && mon >= 0) {
    let y = Number(m[3]);
    if (y < 50) y += 2000;
    else if (y < 1000) y += 1900; // RFC 5322 §4.3 obsolete two- and three-digit years
    return Date.UTC(y, mon, Number(m[1]));
  }
  if (meta.sentDate === null) return null;
  const t = new Date(meta.sentDate);
  return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
}

export function summaryOf(meta: ParsedMessage): MessageSummaryFields {
  const env = meta.envelope;
  const mailbox = (list: EnvelopeAddress[] | null) => (list?.[0]?.mailbox ?? '').toUpperCase();
  return {
    searchSubject: meta.subject.toLowerCase(),
    sortSubject: baseSubject(meta.subject).toUpperCase(),
    sortFrom: mailbox(env.from),
    sortTo: mailbox(env.to),
    sortCc: mailbox(env.cc),
    sortDisplayFrom: display(env.from).toUpperCase(),
    sortDisplayTo: display(env.to).toUpperCase(),
    sentDate: meta.sentDate,
    sentDay: sentDayOf(meta),
    messageId: meta.messageId,
  };
}

const EMPTY_ENVELOPE: ParsedMessage['envelope'] = {
  date: null, subject: null, from: null, sender: null, replyTo: null, to: null, cc: null, bcc: null, inReplyTo: null, messageId: null,
};

/** summaryOf for stored metadata JSON; missing parts (a store written by hand, a test's
 *  '{}') count as empty fields rather than failing the delivery. */
export function summaryOfJson(metadata: string): MessageSummaryFields {
  let meta: Partial<ParsedMessage> = {};
  try {
    const parsed: unknown = JSON.parse(metadata);
    if (parsed !== null && typeof parsed === 'object') meta = parsed as Partial<ParsedMessage>;
  } catch {
    // not JSON: empty fields
  }
  return summaryOf({
    ...meta,
    subject: meta.subject ?? '',
    headers: meta.headers ?? [],
    envelope: { ...EMPTY_ENVELOPE, ...meta.envelope },
    sentDate: meta.sentDate ?? null,
    messageId: meta.messageId ?? null,
  } as ParsedMessage);
}
