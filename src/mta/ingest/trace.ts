/**
 * The fields ingest adds: Received (RFC 5321 §4.4, protocol names of RFC 3848 and RFC 6531
 * §3.7.3), Return-Path at final delivery (§4.4), and on submission Date and Message-ID when
 * the client left them out (RFC 6409 §8.2, §8.3).
 */
import { isIPv6 } from 'node:net';
import type { ClientInfo } from './types.js';
import { fieldNames, rfc5322Date } from './headers.js';

/** RFC 3848 / RFC 6531 §3.7.3: SMTP, ESMTP, ESMTPA, ESMTPS, ESMTPSA, UTF8SMTP... */
export function protocolName(client: ClientInfo, smtputf8: boolean): string {
  if (!client.esmtp) return 'SMTP';
  return `${smtputf8 ? 'UTF8SMTP' : 'ESMTP'}${client.tls ? 'S' : ''}${client.authUser ? 'A' : ''}`;
}

export function receivedField(opts: {
  client: ClientInfo; hostname: string; id: string; smtputf8: boolean; recipients: string[]; date: Date;
}): string {
  const { client } = opts;
  const literal = isIPv6(client.ip) ? `[IPv6:${client.ip}]` : `[${client.ip}]`;
  const helo = client.helo.replace(/[()\\\r\n]/g, '');
  const lines = [`Received: from ${helo} (${literal})`];
  if (client.tls) lines.push(`\t(using ${client.tls.version} with cipher ${client.tls.cipher})`);
  if (client.authUser) lines.push(`\t(authenticated as ${client.authUser.replace(/[()\\\r\n]/g, '')})`);
  lines.push(`\tby ${opts.hostname} (Posthorn) with ${protocolName(client, opts.smtputf8)} id ${opts.id}`);
  // one recipient only: more would disclose Bcc recipients to each other
  if (opts.recipients.length === 1) lines.push(`\tfor <${opts.recipients[0]}>;`);
  else lines[lines.length - 1] += ';';
  lines.push(`\t${rfc5322Date(opts.date)}`);
  return lines.join('\r\n');
}

export function returnPathField(sender: string): string {
  return `Return-Path: <${sender}>`;
}

/** RFC 6409 §8.2, §8.3: the fields a submission server may add when missing. */
export function submissionFields(raw: Buffer, opts: { id: string; hostname: string; date: Date }): string[] {
  const names = new Set(fieldNames(raw));
  const out: string[] = [];
  if (!names.has('date')) out.push(`Date: ${rfc5322Date(opts.date)}`);
  if (!names.has('message-id')) out.push(`Message-ID: <${opts.id}.${opts.date.getTime()}@${opts.hostname}>`);
  return out;
}
