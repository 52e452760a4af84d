/**
 * The SASL mechanisms by name, for the servers: `createMechanism('PLAIN', …)` gives a fresh
 * state machine per exchange. Which names a server offers (and when, e.g. plaintext only
 * over TLS) is the server's decision.
 */
import { CramMd5Mechanism } from './cram-md5.js';
import { LoginMechanism } from './login.js';
import { PlainMechanism } from './plain.js';
import { ScramMechanism } from './scram.js';
import type { SaslMechanism } from './types.js';

export * from './types.js';
export { decodeSaslBase64, decodeInitialResponse, encodeSaslBase64, isSaslCancel } from './base64.js';
export { PlainMechanism, LoginMechanism, CramMd5Mechanism, ScramMechanism };

export type SaslMechanismName = 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'SCRAM-SHA-256';

/** Mechanisms that send the password itself: offered only over TLS (or loopback). */
export const PLAINTEXT_MECHANISMS: readonly SaslMechanismName[] = ['PLAIN', 'LOGIN'];
/** Mechanisms that need the account's shared secret. */
export const SECRET_MECHANISMS: readonly SaslMechanismName[] = ['CRAM-MD5', 'SCRAM-SHA-256'];

/** A fresh mechanism for `name` (case-insensitive), or null if we do not implement it. */
export function createMechanism(name: string, options: { hostname: string }): SaslMechanism | null {
  switch (name.toUpperCase()) {
    case 'PLAIN': return new PlainMechanism();
    case 'LOGIN': return new LoginMechanism();
    case 'CRAM-MD5': return new CramMd5Mechanism({ hostname: options.hostname });
    case 'SCRAM-SHA-256': return new ScramMechanism();
    default: return null;
  }
}
