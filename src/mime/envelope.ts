/**
 * The IMAP ENVELOPE of a header block (RFC 3501 §7.4.2) and the decoded fields a person
 * reads (RFC 2047 words decoded by libmime), both from one HeaderBlock.
 */
import { displayAddresses, parseAddressList } from './address.js';
import type { HeaderBlock } from './header.js';
import type { Envelope, EnvelopeAddress } from './types.js';
import { decodeText } from './words.js';

/** An address field; when it is (wrongly) repeated, the lists are joined, as Dovecot does. */
function addresses(h: HeaderBlock, name: string): EnvelopeAddress[] | null {
  const lists = h.all(name).map((v) => parseAddressList(v)).filter((l) => l !== null);
  return lists.length === 0 ? null : lists.flat();
}

export function buildEnvelope(h: HeaderBlock): Envelope {
  const from = addresses(h, 'from');
  // RFC 3501 §7.4.2: absent or empty Sender / Reply-To take the value of From.
  const sender = addresses(h, 'sender') ?? from;
  const replyTo = addresses(h, 'reply-to') ?? from;
  return {
    date: h.get('date') ?? null,
    subject: h.get('subject') ?? null,
    from,
    sender,
    replyTo,
    to: addresses(h, 'to'),
    cc: addresses(h, 'cc'),
    bcc: addresses(h, 'bcc'),
    inReplyTo: h.get('in-reply-to') ?? null,
    messageId: h.get('message-id') ?? null,
  };
}

export interface DecodedFields {
  subject: string;
  from: string;
  to: string;
  cc: string;
  sentDate: number | null;
  messageId: string | null;
}

export function decodedFields(env: Envelope): DecodedFields {
  return {
    subject: decodeText(env.subject ?? ''),
    from: displayAddresses(env.from),
    to: displayAddresses(env.to),
    cc: displayAddresses(env.cc),
    sentDate: parseDate(env.date),
    messageId: env.messageId === null ? null : (/<[^>]*>/.exec(env.messageId)?.[0] ?? env.messageId),
  };
}

/** RFC 5322 §3.3 date-time (with §4.3 obsolete zones), as epoch ms; null when unreadable. */
export function parseDate(v: string | null): number | null {
  if (!v) return null;
  const s = v.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  const t = Date.parse(s);
  if (Number.isFinite(t)) return t;
  // Retry without the day name and with zone names V8 does not know.
  const t2 = Date.parse(s.replace(/^[A-Za-z]+,?\s*/, '').replace(/\b(UT|Z)$/i, 'GMT'));
  return Number.isFinite(t2) ? t2 : null;
}
