/**
 * The client side of the codec (sans-IO), for mta/transport and the CLI's `send`:
 * command lines for MAIL/RCPT with their ESMTP parameters, the EHLO reply as an extension
 * map, and dot-stuffing of a message for DATA (RFC 5321 §4.5.2). Replies are parsed with
 * reply.ts's ReplyParser, paths formatted with path.ts — the same code the server uses.
 * Invariant: a stuffed body always ends with CRLF "." CRLF and contains no other line that
 * is a lone "."; a body that does not end with CRLF gets one (RFC 5321 §4.1.1.4).
 */
import { formatPath } from './path.js';
import { encodeXtext, type BodyType, type NotifyValue } from './params.js';
import type { Reply } from './reply.js';

export interface MailOptions {
  size?: number;
  body?: BodyType;
  smtputf8?: boolean;
  ret?: 'FULL' | 'HDRS';
  envid?: string;
}

/** `MAIL FROM:<sender> [SIZE=.. BODY=.. SMTPUTF8 RET=.. ENVID=..]` with CRLF. Only pass
 *  parameters the server advertised (RFC 5321 §4.1.1.2). */
export function mailCommand(sender: string, o: MailOptions = {}): string {
  const p: string[] = [];
  if (o.size !== undefined) p.push(`SIZE=${o.size}`); // RFC 1870
  if (o.body) p.push(`BODY=${o.body}`); // RFC 6152, RFC 3030
  if (o.smtputf8) p.push('SMTPUTF8'); // RFC 6531 §3.4
  if (o.ret) p.push(`RET=${o.ret}`); // RFC 3461 §4.3
  if (o.envid) p.push(`ENVID=${encodeXtext(o.envid)}`); // RFC 3461 §4.4
  return `MAIL FROM:${formatPath(sender)}${p.length ? ` ${p.join(' ')}` : ''}\r\n`;
}

/** `RCPT TO:<address> [NOTIFY=.. ORCPT=type;xtext]` with CRLF (RFC 3461 §4.1, §4.2). */
export function rcptCommand(address: string, o: { notify?: NotifyValue[]; orcpt?: string } = {}): string {
  const p: string[] = [];
  if (o.notify && o.notify.length > 0) p.push(`NOTIFY=${o.notify.join(',')}`);
  if (o.orcpt) {
    const semi = o.orcpt.indexOf(';');
    p.push(`ORCPT=${o.orcpt.slice(0, semi)};${encodeXtext(o.orcpt.slice(semi + 1))}`);
  }
  return `RCPT TO:${formatPath(address)}${p.length ? ` ${p.join(' ')}` : ''}\r\n`;
}

/** RFC 5321 §4.1.1.1: the EHLO reply's lines after the first are `KEYWORD [params]`. */
export function parseEhlo(reply: Reply): Map<string, string> {
  const ext = new Map<string, string>();
  for (const line of reply.lines.slice(1)) {
    const m = /^([A-Za-z0-9][A-Za-z0-9-]*)(?:[ =](.*))?$/.exec(line.trim());
    if (m) ext.set(m[1].toUpperCase(), (m[2] ?? '').trim());
  }
  return ext;
}

/** The message as DATA sends it: lines starting with "." get another, then CRLF.CRLF. */
export function dotStuff(message: Buffer): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  if (message.length > 0 && message[0] === 0x2e) parts.push(Buffer.from('.'));
  for (let i = message.indexOf('\r\n.'); i >= 0; i = message.indexOf('\r\n.', i + 3)) {
    parts.push(message.subarray(start, i + 2), Buffer.from('.'));
    start = i + 2;
  }
  parts.push(message.subarray(start));
  const endsWithCrlf = message.length >= 2 && message[message.length - 2] === 0x0d && message[message.length - 1] === 0x0a;
  parts.push(Buffer.from(endsWithCrlf || message.length === 0 ? '.\r\n' : '\r\n.\r\n'));
  return Buffer.concat(parts);
}
