/**
 * What `mail read` and `mail save-attachments` show of one raw message, from mime/'s parse:
 * the headers that matter, the text body decoded (transfer encoding, charset; HTML-only mail
 * reduced to text), and the attachments, legacy uuencoded blocks included.
 * Invariant: attachment bytes are exactly the decoded part body (byte-identical to the file
 * that was attached).
 */
import { parseMessage } from '../mime/parse.js';
import { decodeCharset } from '../mime/charset.js';
import { decodeQP } from '../mime/text.js';
import { htmlToText } from '../mime/html.js';
import { findPart } from '../mime/sections.js';
import type { AttachmentInfo, MimePart, ParsedMessage } from '../mime/types.js';
import { uudecode } from './uudecode.js';

export interface Attachment {
  name: string;
  contentType: string;
  size: number;
  info: AttachmentInfo;
}

export interface MessageView {
  parsed: ParsedMessage;
  headers: Array<[string, string]>;
  text: string;
  attachments: Attachment[];
}

/** RFC 2045 §6: the body octets of a part with its transfer encoding undone. */
export function partBody(raw: Buffer, part: MimePart): Buffer {
  const body = raw.subarray(part.bodyStart, part.bodyEnd);
  if (part.encoding === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (part.encoding === 'quoted-printable') return decodeQP(body);
  return Buffer.from(body);
}

function partText(raw: Buffer, part: MimePart): string {
  const text = decodeCharset(partBody(raw, part), part.params['charset']).text;
  return part.subtype === 'html' ? htmlToText(text) : text;
}

/** The text a person reads: text/plain preferred within multipart/alternative (RFC 2046
 *  §5.1.4 lists alternatives in increasing preference, so the last plain one wins),
 *  every inline text part of a mixed message, attachments left out. */
function bodyText(raw: Buffer, part: MimePart, skip: Set<string>): string[] {
  if (part.children) {
    if (part.subtype === 'alternative') {
      const plain = [...part.children].reverse().find((c) => c.type === 'text' && c.subtype === 'plain');
      const pick = plain ?? [...part.children].reverse().find((c) => c.type === 'text' || c.children) ?? part.children[0];
      return pick ? bodyText(raw, pick, skip) : [];
    }
    return part.children.flatMap((c) => bodyText(raw, c, skip));
  }
  if (part.type !== 'text' || skip.has(part.path) || part.disposition?.type === 'attachment') return [];
  return [partText(raw, part)];
}

function displayName(a: AttachmentInfo, i: number): string {
  return a.filename ?? `attachment-${i + 1}`;
}

export function viewMessage(raw: Buffer): MessageView {
  const parsed = parseMessage(raw);
  const attachments = parsed.attachments.map((info, i) => ({ name: displayName(info, i), contentType: info.contentType, size: info.size, info }));
  const skip = new Set(parsed.attachments.filter((a) => a.encoding !== 'uuencode').map((a) => a.path));
  let text = bodyText(raw, parsed.body, skip).join('\n');
  // a uuencoded block is shown as its name, not as lines of noise
  text = text.replace(/^begin [0-7]{3,4} (.+)\r?\n[\s\S]*?^end\s*$/gm, '[uuencoded attachment: $1]');
  const wanted = new Set(['date', 'from', 'to', 'cc', 'reply-to', 'subject']);
  const headers: Array<[string, string]> = [];
  if (parsed.sentDate !== null) headers.push(['Date', new Date(parsed.sentDate).toUTCString()]);
  for (const [name, value] of [['From', parsed.from], ['To', parsed.to], ['Cc', parsed.cc], ['Subject', parsed.subject]] as Array<[string, string]>) {
    if (value && wanted.has(name.toLowerCase())) headers.push([name, value]);
  }
  return { parsed, headers, text, attachments };
}

/** The decoded bytes of one attachment. */
export function attachmentData(raw: Buffer, view: MessageView, a: Attachment): Buffer {
  if (a.info.encoding === 'uuencode') return uudecode(raw.subarray(a.info.start ?? 0, a.info.end ?? 0));
  const part = a.info.path === '' ? view.parsed.body : findPart(view.parsed, a.info.path);
  if (!part) return Buffer.alloc(0);
  return partBody(raw, part);
}

export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function renderMessage(v: MessageView): string {
  const lines = v.headers.map(([k, val]) => `${k}: ${val}`);
  lines.push('', v.text.replace(/\r\n/g, '\n').trimEnd());
  if (v.attachments.length) {
    lines.push('', `Attachments (${v.attachments.length}):`);
    v.attachments.forEach((a, i) => lines.push(`  ${i + 1}. ${a.name}  ${a.contentType}  ${formatSize(a.size)}`));
  }
  return lines.join('\n') + '\n';
}
