/**
 * The shared shape of every SASL mechanism (RFC 4422): a sans-IO state machine the SMTP,
 * IMAP and POP3 servers drive the same way. Bytes in, bytes out: the protocol layer does
 * the base64 framing ("+ ..." / "334 ..." / "+ "), the cancel token "*", and the look-up
 * and check of credentials (mail/authenticate.ts).
 *
 * Invariants:
 *  - `start` is called once, then `step` once per client response until a `done` step.
 *  - A malformed client message throws SaslError; the exchange is then over (-ERR / NO / 535).
 *  - `done` never means "authenticated": it carries what the client claims, and the
 *    credential the server must check.
 */

/** What the client claims: authentication identity and optional authorization identity. */
export interface SaslIdentity {
  authcid: string;
  /** null when the client asked for none (RFC 4422 §3.4.1). */
  authzid: string | null;
}

/** The result of checking a shared secret (CRAM-MD5, SCRAM). */
export type SecretVerdict =
  | { ok: false }
  /** additionalData: RFC 4422 §3.6 "additional data with success" (SCRAM's server-final
   *  message); protocols without that slot send it as one more challenge and wait for an
   *  empty response (RFC 5034 §4, RFC 4954 §4). */
  | { ok: true; additionalData: Buffer | null };

/** What the server must check. */
export type SaslCredential =
  /** PLAIN, LOGIN: a cleartext password, to verify against the stored hash. */
  | { kind: 'password'; password: string }
  /** CRAM-MD5, SCRAM: only the account's shared secret can verify the client's proof. */
  | { kind: 'secret'; verify(secret: string): SecretVerdict };

export type SaslStep =
  /** Send `data` as a challenge (may be empty) and call step() with the reply. */
  | { kind: 'challenge'; data: Buffer }
  | { kind: 'done'; identity: SaslIdentity; credential: SaslCredential };

export interface SaslMechanism {
  readonly name: string;
  /** @param initialResponse RFC 4422 §3.3 initial response (SASL-IR); undefined when absent,
   *  an empty buffer when the client sent "=". */
  start(initialResponse?: Buffer): SaslStep;
  step(clientResponse: Buffer): SaslStep;
}

/** A client message the mechanism cannot accept; the text is safe to show the peer. */
export class SaslError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaslError';
  }
}
