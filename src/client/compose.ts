/**
 * Builds an outgoing message with nodemailer's mail-composer (issue 7 "Sending"): Date,
 * Message-ID, MIME-Version, RFC 2047 encoded words for non-ASCII headers, attachments in
 * base64 with the content type from the file name and RFC 2231 file names, and an HTML
 * alternative. Returns the bytes with CRLF line ends (RFC 5322 §2.1) and the envelope:
 * To, Cc and Bcc as recipients, Bcc never in the header (RFC 5322 §3.6.3 first form).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import addressparser from 'nodemailer/lib/addressparser';
import { ClientError } from './errors.js';

export interface Draft {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
  inReplyTo?: string;
  /** File paths. */
  attachments: string[];
}

export interface Composed {
  raw: Buffer;
  from: string;
  recipients: string[];
  messageId: string;
}

/** The bare addresses in a list of header-style values ("Name <a@b>, c@d"). */
export function addresses(values: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (list: ReturnType<typeof addressparser>) => {
    for (const a of list) {
      if ('group' in a && a.group) walk(a.group);
      else if (a.address) out.push(a.address);
    }
  };
  for (const v of values) walk(addressparser(v));
  return out;
}

export async function compose(d: Draft): Promise<Composed> {
  const recipients = addresses([...d.to, ...d.cc, ...d.bcc]);
  if (recipients.length === 0) throw new ClientError('usage', 'no recipients: give --to, --cc or --bcc');
  const from = addresses([d.from])[0];
  if (!from) throw new ClientError('usage', `not an address: ${d.from}`);
  const attachments = d.attachments.map((path) => {
    try {
      return { filename: basename(path), content: readFileSync(path) };
    } catch (e) {
      throw new ClientError('usage', `cannot read attachment ${path}: ${(e as Error).message}`);
    }
  });
  const mail = new MailComposer({
    from: d.from,
    to: d.to.length ? d.to : undefined,
    cc: d.cc.length ? d.cc : undefined,
    bcc: d.bcc.length ? d.bcc : undefined,
    replyTo: d.replyTo,
    inReplyTo: d.inReplyTo,
    references: d.inReplyTo,
    subject: d.subject,
    text: d.text,
    html: d.html,
    attachments,
  }).compile();
  mail.keepBcc = false;
  const built = await mail.build();
  const raw = Buffer.from(built.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
  return { raw, from, recipients, messageId: mail.messageId() };
}
