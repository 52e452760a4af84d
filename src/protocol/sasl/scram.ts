/**
 * SCRAM-SHA-256 server (RFC 5802, RFC 7677), without channel binding (no -PLUS variant).
 * Posthorn stores argon2 hashes, which SCRAM cannot use, so the "password" is the account's
 * shared secret (the one APOP and CRAM-MD5 use): SaltedPassword is derived from it per
 * exchange with a fresh salt. The same class does SCRAM-SHA-1 for the RFC 5802 vector.
 *
 * Messages (RFC 5802 §7): client-first `gs2-header client-first-bare`, server-first
 * `r=nonce,s=salt,i=count`, client-final `c=..,r=..,p=proof`, server-final `v=signature`
 * (returned as SecretVerdict.additionalData).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { SaslError, type SaslMechanism, type SaslStep } from './types.js';

export interface ScramOptions {
  /** 'sha256' (SCRAM-SHA-256, the default) or 'sha1' (SCRAM-SHA-1). */
  hash?: 'sha256' | 'sha1';
  /** RFC 7677 §4: at least 4096. */
  iterations?: number;
  /** Fixed server nonce part and salt (RFC test vectors); otherwise random. */
  serverNonce?: string;
  salt?: Buffer;
}

const MAX_MESSAGE = 4096;

type Phase =
  | { kind: 'new' }
  | { kind: 'client-first' }
  | { kind: 'client-final'; gs2Header: string; clientFirstBare: string; serverFirst: string; nonce: string; authcid: string; authzid: string | null }
  | { kind: 'over' };

export class ScramMechanism implements SaslMechanism {
  readonly name: string;
  private readonly hash: 'sha256' | 'sha1';
  private readonly iterations: number;
  private readonly salt: Buffer;
  private readonly serverNonce: string;
  private phase: Phase = { kind: 'new' };

  constructor(options: ScramOptions = {}) {
    this.hash = options.hash ?? 'sha256';
    this.name = this.hash === 'sha256' ? 'SCRAM-SHA-256' : 'SCRAM-SHA-1';
    this.iterations = options.iterations ?? 4096;
    this.salt = options.salt ?? randomBytes(16);
    this.serverNonce = options.serverNonce ?? randomBytes(18).toString('base64');
  }

  start(initialResponse?: Buffer): SaslStep {
    if (this.phase.kind !== 'new') throw new SaslError('exchange already started');
    this.phase = { kind: 'client-first' };
    if (initialResponse === undefined) return { kind: 'challenge', data: Buffer.alloc(0) };
    return this.step(initialResponse);
  }

  step(response: Buffer): SaslStep {
    if (response.length > MAX_MESSAGE) throw new SaslError('SCRAM message too long');
    const text = response.toString('utf8');
    const phase = this.phase;
    this.phase = { kind: 'over' };
    if (phase.kind === 'client-first') return this.clientFirst(text);
    if (phase.kind === 'client-final') return this.clientFinal(text, phase);
    throw new SaslError('unexpected SCRAM message');
  }

  private clientFirst(text: string): SaslStep {
    // RFC 5802 §7: gs2-header = gs2-cbind-flag "," [ authzid ] ","
    const m = /^(n|y|p=[^,]*),(a=[^,]*)?,(.*)$/s.exec(text);
    if (!m) throw new SaslError('malformed SCRAM client-first message');
    const [, cbind, authzAttr, clientFirstBare] = m;
    if (cbind.startsWith('p=')) throw new SaslError('channel binding is not supported'); // no -PLUS offered
    const attrs = parseAttributes(clientFirstBare);
    if (attrs[0]?.[0] === 'm') throw new SaslError('SCRAM extensions are not supported'); // RFC 5802 §5.1 "m"
    if (attrs[0]?.[0] !== 'n' || attrs[1]?.[0] !== 'r') throw new SaslError('SCRAM client-first must start with n= and r=');
    const authcid = decodeSaslName(attrs[0][1]);
    const clientNonce = attrs[1][1];
    if (authcid === '' || !/^[\x21-\x2b\x2d-\x7e]+$/.test(clientNonce)) throw new SaslError('bad SCRAM user name or nonce');
    const nonce = clientNonce + this.serverNonce;
    const serverFirst = `r=${nonce},s=${this.salt.toString('base64')},i=${this.iterations}`;
    this.phase = {
      kind: 'client-final',
      gs2Header: `${cbind},${authzAttr ?? ''},`,
      clientFirstBare,
      serverFirst,
      nonce,
      authcid,
      authzid: authzAttr ? decodeSaslName(authzAttr.slice(2)) : null,
    };
    return { kind: 'challenge', data: Buffer.from(serverFirst, 'utf8') };
  }

  private clientFinal(text: string, p: Extract<Phase, { kind: 'client-final' }>): SaslStep {
    const cut = text.lastIndexOf(',p=');
    if (cut < 0) throw new SaslError('SCRAM client-final has no proof');
    const withoutProof = text.slice(0, cut);
    const attrs = parseAttributes(withoutProof);
    if (attrs[0]?.[0] !== 'c' || attrs[1]?.[0] !== 'r') throw new SaslError('SCRAM client-final must start with c= and r=');
    // RFC 5802 §5.1 "c": base64 of the gs2 header (no channel binding data)
    if (attrs[0][1] !== Buffer.from(p.gs2Header, 'utf8').toString('base64')) throw new SaslError('SCRAM channel binding mismatch');
    if (attrs[1][1] !== p.nonce) throw new SaslError('SCRAM nonce mismatch');
    const proof = Buffer.from(text.slice(cut + 3), 'base64');
    const authMessage = `${p.clientFirstBare},${p.serverFirst},${withoutProof}`;
    const { hash, salt, iterations } = this;
    return {
      kind: 'done',
      identity: { authcid: p.authcid, authzid: p.authzid },
      credential: {
        kind: 'secret',
        verify: (secret) => {
          // RFC 5802 §3: SaltedPassword, ClientKey, StoredKey, ClientSignature, ServerSignature
          const len = hash === 'sha256' ? 32 : 20;
          const salted = pbkdf2Sync(secret.normalize('NFKC'), salt, iterations, len, hash);
          const clientKey = hmac(hash, salted, 'Client Key');
          const storedKey = createHash(hash).update(clientKey).digest();
          const clientSignature = hmac(hash, storedKey, authMessage);
          if (proof.length !== len) return { ok: false };
          const recovered = Buffer.alloc(len);
          for (let i = 0; i < len; i++) recovered[i] = proof[i] ^ clientSignature[i];
          if (!timingSafeEqual(createHash(hash).update(recovered).digest(), storedKey)) return { ok: false };
          const serverSignature = hmac(hash, hmac(hash, salted, 'Server Key'), authMessage);
          return { ok: true, additionalData: Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8') };
        },
      },
    };
  }
}

function hmac(hash: string, key: Buffer, data: string): Buffer {
  return createHmac(hash, key).update(data, 'utf8').digest();
}

/** `a=x,b=y` → [['a','x'], ['b','y']]; RFC 5802 §7 attr-val. */
function parseAttributes(text: string): Array<[string, string]> {
  return text.split(',').map((part) => {
    if (!/^[A-Za-z]=/.test(part)) throw new SaslError('malformed SCRAM attribute');
    return [part[0], part.slice(2)];
  });
}

/** RFC 5802 §5.1: saslname with "=2C" for ',' and "=3D" for '='; any other '=' is an error. */
function decodeSaslName(text: string): string {
  if (/=(?!2C|3D)/.test(text)) throw new SaslError('malformed SCRAM user name');
  return text.replace(/=2C/g, ',').replace(/=3D/g, '=');
}
