/**
 * Reverse-paths and forward-paths of MAIL and RCPT (RFC 5321 §4.1.2), sans-IO, shared by the
 * server and the outbound client. A parsed address keeps its local part as written (quotes
 * included) and its domain as written; comparison keys come from lib/address.
 * Invariants: the null path `<>` parses to ''; an RFC 821 source route is accepted and
 * dropped (RFC 5321 Appendix C, §4.1.1.3); non-ASCII is accepted only with SMTPUTF8
 * (RFC 6531 §3.3), and a non-ASCII domain must convert to IDNA.
 */
import { domainToASCII } from 'node:url';

export interface ParsedPath {
  /** 'local@domain' (local part as written), or '' for the null path. */
  address: string;
  /** The rest of the argument after '>' (ESMTP parameters), leading spaces removed. */
  rest: string;
}

export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathError';
  }
}

// RFC 5321 §4.1.2 atext (RFC 5322 §3.2.3), plus UTF8-non-ascii under RFC 6531 §3.3.
const ATOM_ASCII = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+$/;
const ATOM_UTF8 = /^(?:[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]|[^\x00-\x7f])+$/u;
// qtextSMTP = %d32-33 / %d35-91 / %d93-126; quoted-pairSMTP = "\" %d32-126.
const QUOTED_ASCII = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
const QUOTED_UTF8 = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e]|[^\x00-\x7f])*"$/u;
const ADDRESS_LITERAL = /^\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+|[A-Za-z0-9-]*[A-Za-z0-9]:[\x21-\x5a\x5e-\x7e]+)\]$/;

/**
 * Parses `<...>` at the start of `arg` (MAIL FROM:/RCPT TO: already removed). With
 * `allowNull` the reverse-path `<>` is accepted. Throws PathError saying what is wrong.
 */
export function parsePath(arg: string, opts: { allowNull: boolean; utf8: boolean }): ParsedPath {
  if (!arg.startsWith('<')) throw new PathError('path must be enclosed in <>');
  const end = closingBracket(arg);
  if (end < 0) throw new PathError('missing > at the end of the path');
  let inner = arg.slice(1, end);
  const rest = arg.slice(end + 1);
  if (rest !== '' && !rest.startsWith(' ')) throw new PathError('unexpected text after the path');
  if (inner === '') {
    if (!opts.allowNull) throw new PathError('null path not allowed here');
    return { address: '', rest: rest.trimStart() };
  }
  // RFC 5321 Appendix C / §4.1.2 A-d-l: "@hop1,@hop2:" is accepted and ignored.
  if (inner.startsWith('@')) {
    const colon = inner.indexOf(':');
    if (colon < 0) throw new PathError('source route without ":"');
    for (const hop of inner.slice(0, colon).split(',')) {
      if (!hop.startsWith('@') || !validDomain(hop.slice(1), opts.utf8)) throw new PathError('bad source route');
    }
    inner = inner.slice(colon + 1);
  }
  checkMailbox(inner, opts.utf8);
  return { address: inner, rest: rest.trimStart() };
}

/** Index of the '>' closing the path, skipping quoted strings. */
function closingBracket(arg: string): number {
  let quoted = false;
  for (let i = 1; i < arg.length; i++) {
    const c = arg[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === '>' && !quoted) return i;
  }
  return -1;
}

/** RFC 5321 §4.1.2 Mailbox = Local-part "@" ( Domain / address-literal ). */
export function checkMailbox(mailbox: string, utf8: boolean): void {
  const at = mailbox.lastIndexOf('@');
  if (at <= 0) throw new PathError('address must be local-part@domain');
  const local = mailbox.slice(0, at);
  const domain = mailbox.slice(at + 1);
  if (!utf8 && /[^\x00-\x7f]/.test(mailbox)) throw new PathError('non-ASCII address requires SMTPUTF8');
  if (!validLocalPart(local, utf8)) throw new PathError('invalid local part');
  // RFC 5321 §4.5.3.1.1: local part at most 64 octets.
  if (Buffer.byteLength(local) > 64) throw new PathError('local part longer than 64 octets');
  if (!ADDRESS_LITERAL.test(domain) && !validDomain(domain, utf8)) throw new PathError('invalid domain');
}

function validLocalPart(local: string, utf8: boolean): boolean {
  if (local.startsWith('"')) return (utf8 ? QUOTED_UTF8 : QUOTED_ASCII).test(local);
  // Dot-string = Atom *("." Atom)
  return local.split('.').every((atom) => (utf8 ? ATOM_UTF8 : ATOM_ASCII).test(atom));
}

/** RFC 5321 §4.1.2 Domain, or (RFC 6531 §3.3) a U-label domain that converts to IDNA. */
export function validDomain(domain: string, utf8: boolean): boolean {
  // RFC 5321 §4.5.3.1.2: at most 255 octets.
  if (domain.length === 0 || Buffer.byteLength(domain) > 255) return false;
  let ascii = domain;
  if (/[^\x00-\x7f]/.test(domain)) {
    if (!utf8) return false;
    ascii = domainToASCII(domain.toLowerCase());
    if (!ascii) return false;
  }
  return ascii.split('.').every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

/** A local part as RFC 5321 §4.1.2 wants it on the wire: a Dot-string when possible,
 *  otherwise a Quoted-string. */
export function formatLocalPart(local: string): string {
  if (local.startsWith('"') && local.endsWith('"') && local.length >= 2) return local;
  if (local.split('.').every((a) => ATOM_UTF8.test(a))) return local;
  return `"${local.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `<address>` for MAIL FROM / RCPT TO; '' → `<>`. */
export function formatPath(address: string): string {
  if (address === '') return '<>';
  const at = address.lastIndexOf('@');
  return `<${formatLocalPart(address.slice(0, at))}@${address.slice(at + 1)}>`;
}

/** True when the address needs SMTPUTF8 to travel (RFC 6531 §3.2). */
export function needsSmtpUtf8(address: string): boolean {
  return /[^\x00-\x7f]/.test(address);
}
