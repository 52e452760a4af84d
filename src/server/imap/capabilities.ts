/**
 * The capability list (RFC 3501 §6.1.1, RFC 9051 §6.1.1) for a session's current state.
 * Before authentication only what matters for logging in is shown; STARTTLS only on a plain
 * connection; LOGINDISABLED and no AUTH=PLAIN where plaintext passwords are not allowed
 * (RFC 3501 §6.2.3, RFC 9051 §6.2.3: without TLS, except loopback when configured).
 */
import type { Ctx } from './types.js';

/** Everything implemented once authenticated; each entry is claimed only if complete. */
export const AUTHENTICATED_CAPABILITIES = [
  'IMAP4rev1', 'IMAP4rev2', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UNSELECT',
  'CHILDREN', 'SPECIAL-USE', 'LIST-EXTENDED', 'LIST-STATUS', 'UIDPLUS', 'MOVE', 'CONDSTORE', 'QRESYNC',
  'ESEARCH', 'SEARCHRES', 'WITHIN', 'BINARY', 'MULTIAPPEND', 'UTF8=ACCEPT', 'STATUS=SIZE', 'QUOTA', 'QUOTA=RES-STORAGE',
  'CREATE-SPECIAL-USE', 'SORT', 'SORT=DISPLAY',
  'THREAD=REFERENCES', 'THREAD=ORDEREDSUBJECT',
  'ESORT', 'CONTEXT=SEARCH', 'CONTEXT=SORT', 'PARTIAL',
  'CATENATE', 'URLAUTH', 'URLAUTH=BINARY', 'NOTIFY', 'COMPRESS=DEFLATE',
];

export function capabilities(ctx: Ctx): string[] {
  if (ctx.state.kind !== 'not-authenticated') {
    return [...AUTHENTICATED_CAPABILITIES, `APPENDLIMIT=${ctx.env.appendLimit}`];
  }
  const caps = ['IMAP4rev1', 'IMAP4rev2', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE'];
  if (!ctx.tls) caps.push('STARTTLS');
  if (ctx.plaintextAllowed()) caps.push('AUTH=PLAIN', 'AUTH=LOGIN');
  else caps.push('LOGINDISABLED');
  if (ctx.env.advertiseSecretMechanisms) caps.push('AUTH=SCRAM-SHA-256', 'AUTH=CRAM-MD5');
  return caps;
}
