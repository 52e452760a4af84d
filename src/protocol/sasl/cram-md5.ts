/**
 * CRAM-MD5 (RFC 2195): the server sends a unique msg-id-like challenge
 * `<random.timestamp@hostname>`; the client answers `user SP hex(HMAC-MD5(secret, challenge))`.
 * Only the account's shared secret can verify it. No initial response (RFC 2195 §2).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SaslError, type SaslMechanism, type SaslStep } from './types.js';

export interface CramMd5Options {
  hostname: string;
  /** Fixed challenge (tests, RFC vectors); otherwise a fresh random one. */
  challenge?: string;
}

export class CramMd5Mechanism implements SaslMechanism {
  readonly name = 'CRAM-MD5';
  private readonly challenge: string;
  private started = false;

  constructor(options: CramMd5Options) {
    this.challenge = options.challenge ?? `<${randomBytes(8).readBigUInt64BE().toString()}.${Date.now()}@${options.hostname}>`;
  }

  start(initialResponse?: Buffer): SaslStep {
    if (initialResponse !== undefined && initialResponse.length > 0) throw new SaslError('CRAM-MD5 takes no initial response');
    this.started = true;
    return { kind: 'challenge', data: Buffer.from(this.challenge, 'ascii') };
  }

  step(response: Buffer): SaslStep {
    if (!this.started) throw new SaslError('exchange not started');
    const m = /^(.+) ([0-9a-f]{32})$/.exec(response.toString('utf8'));
    if (!m) throw new SaslError('CRAM-MD5 response must be "user digest"');
    const [, user, hex] = m;
    const digest = Buffer.from(hex, 'hex');
    const challenge = this.challenge;
    return {
      kind: 'done',
      identity: { authcid: user, authzid: null },
      credential: {
        kind: 'secret',
        verify: (secret) => {
          const expected = createHmac('md5', secret).update(challenge).digest();
          return timingSafeEqual(expected, digest) ? { ok: true, additionalData: null } : { ok: false };
        },
      },
    };
  }
}
