/**
 * The RFC 3464 delivery status notification builder: a `multipart/report;
 * report-type=delivery-status` message (RFC 6522) with a human-readable part, a
 * message/delivery-status part and the original message (message/rfc822) or only its
 * header (text/rfc822-headers).
 *
 * Invariants: the result is CRLF throughout; the DSN goes to the original reverse-path
 * with the null reverse-path as its own sender (RFC 3464 §2, the caller enqueues it with
 * isBounce); envelope ids and addresses are reproduced exactly (§2.2.1, §2.3.2); the
 * delivery-status part is 7-bit (§2.1).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { QueuedRecipient } from '../../store/types.js';
import { headerSection } from './loop.js';

export type DsnAction = 'failed' | 'delayed' | 'delivered' | 'relayed';

export interface DsnRecipientReport {
  /** The envelope recipient as we had it (Final-Recipient). */
  address: string;
  /** RFC 3461 ORCPT, xtext-decoded as protocol/smtp parses it ('rfc822;a@b'), or null. */
  orcpt: string | null;
  action: DsnAction;
  /** RFC 3463 status, e.g. '5.1.1'. */
  status: string;
  remoteMta: string | null;
  /** The SMTP reply that caused this report, or null. */
  diagnostic: string | null;
  lastAttempt: number | null;
  /** delayed only: when we will give up (RFC 3464 §2.3.9). */
  willRetryUntil?: number | null;
}

export interface DsnInput {
  /** Our host name (Reporting-MTA, Message-ID, From). */
  reportingMta: string;
  /** The reverse-path of the original message: the DSN's recipient. */
  to: string;
  envid: string | null;
  arrival: number;
  recipients: DsnRecipientReport[];
  original: Buffer;
  ret: 'FULL' | 'HDRS' | null;
  now: number;
  /** Above this size only the header is returned (default 10 MiB). */
  maxReturnBytes?: number;
  /** The original needed SMTPUTF8: report with RFC 6533's message/global-* types, which
   *  carry UTF-8 addresses as they are. */
  utf8?: boolean;
}

export interface BuiltDsn {
  bytes: Buffer;
  /** 8BITMIME when the returned original contains 8-bit octets. */
  body: '7BIT' | '8BITMIME';
}

/** RFC 5322 §3.3 date-time in UTC. */
export function formatDate(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, '+0000');
}

/** The RFC 3463 status of an SMTP reply: its enhanced code, else derived from the basic code. */
export function statusOfReply(reply: string | null, fallback = '4.0.0'): string {
  if (!reply) return fallback;
  const m = /^([245])\d\d[ -]([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(reply);
  if (m && m[1] === m[2]) return `${m[2]}.${Number(m[3])}.${Number(m[4])}`;
  const b = /^([245])\d\d\b/.exec(reply);
  return b ? `${b[1]}.0.0` : fallback;
}

/** A per-recipient report from a queue row and the action being reported. */
export function reportFor(r: QueuedRecipient, action: DsnAction, willRetryUntil?: number): DsnRecipientReport {
  const fallback = action === 'failed' ? '5.0.0' : action === 'delayed' ? '4.0.0' : '2.0.0';
  const status = action === 'relayed' || action === 'delivered' ? statusOfReply(r.lastReply, '2.0.0') : statusOfReply(r.lastReply, fallback);
  return {
    address: r.address, orcpt: r.orcpt, action, status, remoteMta: r.remoteMta, diagnostic: r.lastReply,
    lastAttempt: r.lastAttempt, willRetryUntil: action === 'delayed' ? willRetryUntil ?? null : null,
  };
}

/** Field text safe for a 7-bit header line: no CR/LF, no 8-bit, no control characters. */
function clean(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/[^\x20-\x7e]/g, '?').replace(/\s+/g, ' ').trim();
}

/** Folds a field at spaces so no line exceeds 78 characters where avoidable (RFC 5322 §2.2.3). */
function fold(line: string): string {
  if (line.length <= 78) return line;
  const out: string[] = [];
  let cur = '';
  for (const word of line.split(' ')) {
    if (cur && cur.length + 1 + word.length > 78) { out.push(cur); cur = ` ${word}`; } else cur = cur ? `${cur} ${word}` : word;
  }
  out.push(cur);
  return out.join('\r\n');
}

/** An address field value: 'rfc822;addr', or under RFC 6533 §3 'utf-8;addr' when the
 *  address is not ASCII (only in message/global-delivery-status). */
function addr(type: string, a: string, utf8: boolean): string {
  if (utf8 && /[^\x00-\x7f]/.test(a)) return `utf-8;${a.replace(/[\r\n]/g, ' ')}`;
  return `${clean(type)};${clean(a)}`;
}

function recipientFields(r: DsnRecipientReport, utf8: boolean): string[] {
  const f: string[] = [];
  if (r.orcpt) {
    const semi = r.orcpt.indexOf(';');
    // RFC 3464 §2.3.1 with the ORCPT of RFC 3461 §4.2 (stored xtext-decoded).
    f.push(`Original-Recipient: ${semi > 0 ? addr(r.orcpt.slice(0, semi), r.orcpt.slice(semi + 1), utf8) : addr('rfc822', r.orcpt, utf8)}`);
  }
  f.push(`Final-Recipient: ${addr('rfc822', r.address, utf8)}`); // §2.3.2
  f.push(`Action: ${r.action}`); // §2.3.3
  f.push(`Status: ${r.status}`); // §2.3.4
  if (r.remoteMta) f.push(`Remote-MTA: dns;${clean(r.remoteMta)}`); // §2.3.5
  if (r.diagnostic) f.push(fold(`Diagnostic-Code: smtp;${clean(r.diagnostic)}`)); // §2.3.6
  if (r.lastAttempt !== null) f.push(`Last-Attempt-Date: ${formatDate(r.lastAttempt)}`); // §2.3.7
  if (r.willRetryUntil) f.push(`Will-Retry-Until: ${formatDate(r.willRetryUntil)}`); // §2.3.9
  return f;
}

function humanText(input: DsnInput): string {
  const failed = input.recipients.filter((r) => r.action === 'failed');
  const delayed = input.recipients.filter((r) => r.action === 'delayed');
  const ok = input.recipients.filter((r) => r.action === 'relayed' || r.action === 'delivered');
  const lines = [`This is the mail system at host ${input.reportingMta}.`, ''];
  const list = (rs: DsnRecipientReport[]) =>
    rs.flatMap((r) => [`<${r.address}>${r.remoteMta ? ` (via ${r.remoteMta})` : ''}:`, `    ${r.diagnostic ? clean(r.diagnostic) : r.status}`, '']);
  if (failed.length) lines.push('Your message could not be delivered to the following recipients.', 'No further attempts will be made.', '', ...list(failed));
  if (delayed.length) {
    const until = delayed[0].willRetryUntil;
    lines.push('Delivery of your message to the following recipients has been delayed.', `The mail system will keep trying${until ? ` until ${formatDate(until)}` : ''}; you need not send it again.`, '', ...list(delayed));
  }
  if (ok.length) lines.push('Your message was delivered or passed on to the following recipients.', ...(ok.some((r) => r.action === 'relayed') ? ['The next system does not confirm final delivery.'] : []), '', ...list(ok));
  return lines.join('\r\n');
}

function subjectOf(rs: DsnRecipientReport[]): string {
  if (rs.some((r) => r.action === 'failed')) return 'Undelivered Mail Returned to Sender';
  if (rs.some((r) => r.action === 'delayed')) return 'Delayed Mail (still being retried)';
  return 'Successful Mail Delivery Report';
}

const has8bit = (b: Buffer): boolean => b.some((c) => c > 127);

export function buildDsn(input: DsnInput): BuiltDsn {
  const boundary = `=_dsn_${randomBytes(12).toString('hex')}`;
  const perMessage = [`Reporting-MTA: dns;${input.reportingMta}`];
  if (input.envid) perMessage.push(`Original-Envelope-Id: ${clean(input.envid)}`); // §2.2.1
  perMessage.push(`Arrival-Date: ${formatDate(input.arrival)}`); // §2.2.5
  const status = [perMessage.join('\r\n'), ...input.recipients.map((r) => recipientFields(r, input.utf8 === true).join('\r\n'))].join('\r\n\r\n');

  // RFC 3461 §4.3: RET=HDRS asks for headers only; the full message only in 'failed'
  // reports, and only when it is not too large.
  const full = input.ret !== 'HDRS' && input.recipients.some((r) => r.action === 'failed') && input.original.length <= (input.maxReturnBytes ?? 10 * 1024 * 1024);
  const returned = full ? input.original : headerSection(input.original);
  const human = humanText(input);
  const eight = has8bit(returned) || /[^\x00-\x7f]/.test(human + input.to + status);
  const header = [
    `From: Mail Delivery System <MAILER-DAEMON@${input.reportingMta}>`,
    `To: <${input.to}>`,
    `Subject: ${subjectOf(input.recipients)}`,
    `Date: ${formatDate(input.now)}`,
    `Message-ID: <${randomUUID()}@${input.reportingMta}>`,
    'Auto-Submitted: auto-replied', // RFC 3834 §5
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n boundary="${boundary}"`,
    ...(eight ? ['Content-Transfer-Encoding: 8bit'] : []),
  ].join('\r\n');
  const parts = [
    ['Content-Type: text/plain; charset=utf-8', 'Content-Description: Notification', '', human].join('\r\n'),
    // RFC 6533 §6.1-6.3: the global types for mail that needed SMTPUTF8.
    [`Content-Type: message/${input.utf8 ? 'global-delivery-status' : 'delivery-status'}`, 'Content-Description: Delivery report', '', status, ''].join('\r\n'),
    [
      `Content-Type: ${full ? (input.utf8 ? 'message/global' : 'message/rfc822') : input.utf8 ? 'message/global-headers' : 'text/rfc822-headers'}`,
      `Content-Description: ${full ? 'Undelivered message' : 'Message headers'}`,
      ...(eight ? ['Content-Transfer-Encoding: 8bit'] : []),
      '',
      '',
    ].join('\r\n'),
  ];
  const head = `${header}\r\n\r\nThis is a MIME-encapsulated delivery status notification.\r\n\r\n--${boundary}\r\n${parts.join(`\r\n--${boundary}\r\n`)}`;
  // The original's bytes go in untouched (no re-encoding), without a final line break
  // of their own: the CRLF before the closing delimiter belongs to the delimiter.
  const body = returned.subarray(0, returned.length - (returned.subarray(-2).toString('latin1') === '\r\n' ? 2 : 0));
  const bytes = Buffer.concat([Buffer.from(head, 'utf8'), body, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]);
  return { bytes, body: eight ? '8BITMIME' : '7BIT' };
}
