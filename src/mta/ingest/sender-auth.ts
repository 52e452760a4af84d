/**
 * Sender authentication of mail arriving from other servers (smtp.sender_auth): SPF
 * (RFC 7208), DKIM (RFC 6376), DMARC (RFC 7489) and ARC (RFC 8617) checked by mailauth,
 * recorded in Authentication-Results (RFC 8601) and Received-SPF fields; with 'enforce',
 * a DMARC failure under a reject policy is refused (550 5.7.1). DNS goes through the
 * given resolver, so tests run offline. Authenticated submissions are not checked.
 * Invariant: a DNS or parser failure never loses a message — it is recorded as temperror
 * by mailauth, or, if mailauth itself fails, the message goes on without the fields.
 */
import type { Readable } from 'node:stream';
import { authenticate, type DNSResolver } from 'mailauth';
import { ProtocolError } from '../../lib/errors.js';

export type SenderAuthMode = 'off' | 'record' | 'enforce';

export interface SenderAuthInput {
  ip: string;
  helo: string;
  sender: string;
  hostname: string;
  resolver?: DNSResolver;
}

/** Header fields to prepend (each one folded with CRLF, no trailing CRLF). A large message
 *  comes as a stream of its bytes (mailauth reads it once, in pieces). */
export async function senderAuthFields(raw: Buffer | Readable, mode: SenderAuthMode, input: SenderAuthInput): Promise<string[]> {
  if (mode === 'off') return [];
  let result: Awaited<ReturnType<typeof authenticate>>;
  try {
    result = await authenticate(raw, {
      ip: input.ip, helo: input.helo, sender: input.sender, mta: input.hostname,
      disableBimi: true, ...(input.resolver ? { resolver: input.resolver } : {}),
    });
  } catch {
    return [];
  }
  const dmarc = result.dmarc;
  if (mode === 'enforce' && dmarc && dmarc.status.result === 'fail' && dmarc.policy === 'reject') {
    // RFC 7489 §6.6.2 / §10: a reject policy asks the receiver to refuse during the session
    throw new ProtocolError(550, '5.7.1', `DMARC policy of ${dmarc.domain} rejects this message`);
  }
  return splitFields(result.headers);
}

/** mailauth's block of fields → one string per field, lines joined by CRLF. */
function splitFields(block: string): string[] {
  const lines = block.replace(/\r?\n$/, '').split(/\r?\n/);
  const fields: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += `\r\n${line}`;
    else if (line !== '') fields.push(line);
  }
  return fields;
}
