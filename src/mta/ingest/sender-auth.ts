/**
 * Sender authentication of mail arriving from other servers (smtp.sender_auth), the one
 * verification path: auth/verify (mailauth: SPF RFC 7208, DKIM RFC 6376, DMARC RFC 7489,
 * ARC RFC 8617) gives one Authentication-Results field (RFC 8601) and a Received-SPF field
 * (RFC 7208 §9.1); this module turns its verdict into what ingest does:
 *   'record'  — fields only;
 *   'enforce' — a DMARC failure under p=reject is refused with 550 5.7.1 (RFC 7489 §6.6.2,
 *               §10), or filed into Junk when auth.dmarc_reject = "quarantine"; a failure
 *               under p=quarantine is filed into Junk (§6.3 "quarantine").
 * Authenticated submissions are not checked. Invariant: a DNS or parser failure never loses
 * a message — mailauth records temperror, and if it throws the message goes on without
 * the fields.
 */
import type { Readable } from 'node:stream';
import { ProtocolError } from '../../lib/errors.js';
import { verifyMessage, type DnsLookup } from '../../auth/verify.js';

export type SenderAuthMode = 'off' | 'record' | 'enforce';

export interface SenderAuthInput {
  ip: string;
  helo: string;
  sender: string;
  hostname: string;
  resolver?: DnsLookup;
  /** auth.dmarc_reject: what a p=reject failure becomes under 'enforce'. */
  onReject?: 'reject' | 'quarantine';
}

export interface SenderAuthOutcome {
  /** Header fields to prepend (each folded with CRLF, no trailing CRLF). */
  fields: string[];
  /** File local copies into Junk. */
  junk: boolean;
}

/** A large message comes as a stream of its bytes (mailauth reads it once, in pieces). */
export async function checkSenderAuth(raw: Buffer | Readable, mode: SenderAuthMode, input: SenderAuthInput): Promise<SenderAuthOutcome> {
  if (mode === 'off') return { fields: [], junk: false };
  let v: Awaited<ReturnType<typeof verifyMessage>>;
  try {
    v = await verifyMessage({
      message: raw, ip: input.ip, helo: input.helo, sender: input.sender, hostname: input.hostname,
      resolver: input.resolver, onReject: input.onReject,
    });
  } catch {
    return { fields: [], junk: false };
  }
  const fields = [`Authentication-Results: ${v.authenticationResults}`];
  if (v.receivedSpf) fields.unshift(v.receivedSpf.replace(/\r\n$/, ''));
  if (mode === 'enforce' && v.verdict === 'reject') {
    throw new ProtocolError(550, '5.7.1', `DMARC policy of ${v.dmarc.domain ?? 'the From domain'} rejects this message`);
  }
  return { fields, junk: mode === 'enforce' && v.verdict === 'quarantine' };
}
