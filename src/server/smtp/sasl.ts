/**
 * Which SASL mechanisms a session offers (RFC 4954 §4): password mechanisms only over TLS,
 * or on loopback when auth.allow_plaintext_on_loopback is on; CRAM-MD5 and SCRAM-SHA-256
 * too, for accounts whose operator set a shared secret (others fail them like a bad
 * password, mail/authenticate).
 */
import type { SessionApi } from './api.js';

export function plaintextAllowed(s: Pick<SessionApi, 'secure' | 'isLoopback' | 'opts'>): boolean {
  return s.secure || (s.isLoopback && s.opts.allowPlaintextOnLoopback);
}

export function authMechanisms(s: Pick<SessionApi, 'secure' | 'isLoopback' | 'opts'>): string[] {
  return plaintextAllowed(s) ? ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256'] : ['CRAM-MD5', 'SCRAM-SHA-256'];
}
