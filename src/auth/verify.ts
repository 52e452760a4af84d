/**
 * Verification of received mail (port 25): SPF (RFC 7208), DKIM (RFC 6376), DMARC
 * (RFC 7489) and ARC (RFC 8617) with mailauth's authenticate(), over a caller-supplied DNS
 * look-up function (tests answer from their own responder). The result is one
 * Authentication-Results field value (RFC 8601 §2.2, authserv-id = our host name), the
 * Received-SPF field (RFC 7208 §9.1) and what to do with the message.
 *
 * Invariant: the verdict is 'reject' or 'quarantine' only for a DMARC fail under a
 * p/sp=reject or quarantine policy, sampled by pct (RFC 7489 §6.6.4); everything else is
 * 'accept'. Temporary DNS errors never turn into a rejection.
 */
import type { Readable } from 'node:stream';
import { authenticate } from 'mailauth';

/** mailauth's resolver shape: node:dns/promises `resolve(name, rrtype)`. */
export type DnsLookup = (name: string, rrtype: string) => Promise<unknown>;

export interface VerifyInput {
  /** The message, or a stream of its bytes (a large message is never held whole). */
  message: Buffer | Readable;
  /** The connecting client's address and its HELO/EHLO name. */
  ip: string;
  helo: string;
  /** MAIL FROM address ('' for the null path). */
  sender: string;
  /** Our host name: the authserv-id. */
  hostname: string;
  resolver?: DnsLookup;
  /** What a DMARC p=reject failure becomes (`'quarantine'` files it into Junk instead). */
  onReject?: 'reject' | 'quarantine';
  random?: () => number;
}

export type DmarcVerdict = 'accept' | 'quarantine' | 'reject';

export interface VerifyResult {
  /** The field value, without the "Authentication-Results:" name; CRLF-folded. */
  authenticationResults: string;
  /** A complete Received-SPF field with its trailing CRLF, or ''. */
  receivedSpf: string;
  spf: string;
  dkim: string[];
  dmarc: { result: string; policy: string | null; domain: string | null };
  arc: string;
  verdict: DmarcVerdict;
}

const oneLine = (s: string): string => s.replace(/\r?\n[ \t]*/g, ' ').trim();

export async function verifyMessage(input: VerifyInput): Promise<VerifyResult> {
  const r = await authenticate(input.message, {
    ip: input.ip,
    helo: input.helo,
    sender: input.sender,
    mta: input.hostname,
    // mailauth's declared resolver type is narrower than what it accepts at run time.
    resolver: input.resolver as ((name: string, rrtype: string) => Promise<string[][] | string[]>) | undefined,
    disableBimi: true,
  });
  const parts: string[] = [];
  for (const d of r.dkim.results ?? []) parts.push(oneLine(d.info));
  if (r.spf) parts.push(oneLine(r.spf.info));
  if (r.arc && r.arc.info) parts.push(oneLine(r.arc.info));
  if (r.dmarc && r.dmarc.info) parts.push(oneLine(r.dmarc.info));
  // RFC 8601 §2.2: authserv-id, then the results; "none" when nothing was evaluated.
  const authenticationResults = `${input.hostname};${parts.length ? `\r\n ${parts.join(';\r\n ')}` : ' none'}`;

  const dmarcResult = r.dmarc ? r.dmarc.status.result : 'none';
  const policy = r.dmarc ? (r.dmarc.policy || null) : null;
  let verdict: DmarcVerdict = 'accept';
  if (r.dmarc && dmarcResult === 'fail' && (policy === 'reject' || policy === 'quarantine')) {
    // RFC 7489 §6.6.4: pct applies the policy to that share of failing mail; the rest is
    // treated one step less strictly.
    const pct = typeof r.dmarc.pct === 'number' ? r.dmarc.pct : 100;
    const sampled = ((input.random ?? Math.random)() * 100) < pct;
    const applied = sampled ? policy : policy === 'reject' ? 'quarantine' : 'none';
    if (applied === 'reject') verdict = input.onReject ?? 'reject';
    else if (applied === 'quarantine') verdict = 'quarantine';
  }
  return {
    authenticationResults,
    receivedSpf: r.spf && r.spf.header ? `${r.spf.header.replace(/\r?\n$/, '')}\r\n` : '',
    spf: r.spf ? r.spf.status.result : 'none',
    dkim: (r.dkim.results ?? []).map((d) => d.status.result),
    dmarc: { result: dmarcResult, policy, domain: r.dmarc ? r.dmarc.domain : null },
    arc: r.arc ? r.arc.status.result : 'none',
    verdict,
  };
}
