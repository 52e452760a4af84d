/**
 * SCRAM-SHA-256 client side (RFC 5802 §3, §5, §7; RFC 7677), sans-IO, without channel
 * binding (gs2 flag "n"). The counterpart of scram.ts: `first()` gives client-first,
 * `final(serverFirst)` client-final, `verify(serverFinal)` checks the server signature so a
 * server that does not know the password is caught (RFC 5802 §5: mutual authentication).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { SaslError } from './types.js';

/** RFC 5802 §5.1: "," and "=" in a saslname become "=2C" and "=3D". */
function encodeSaslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

export class ScramClient {
  private readonly clientNonce: string;
  private readonly clientFirstBare: string;
  private serverSignature: Buffer | null = null;

  constructor(
    private readonly user: string,
    private readonly password: string,
    private readonly hash: 'sha256' | 'sha1' = 'sha256',
    nonce?: string,
  ) {
    this.clientNonce = nonce ?? randomBytes(18).toString('base64');
    this.clientFirstBare = `n=${encodeSaslName(user.normalize('NFKC'))},r=${this.clientNonce}`;
  }

  /** client-first-message: gs2-header "n,," then client-first-bare. */
  first(): Buffer {
    return Buffer.from(`n,,${this.clientFirstBare}`, 'utf8');
  }

  /** client-final-message for the server-first-message `r=…,s=…,i=…`. */
  final(serverFirst: Buffer): Buffer {
    const sf = serverFirst.toString('utf8');
    const attrs = new Map(sf.split(',').map((p) => [p[0], p.slice(2)] as [string, string]));
    const nonce = attrs.get('r') ?? '';
    const salt = Buffer.from(attrs.get('s') ?? '', 'base64');
    const iterations = Number(attrs.get('i'));
    if (attrs.has('m')) throw new SaslError('SCRAM extension requested by the server is not supported');
    // RFC 5802 §5.1 "r": the server's nonce must start with ours
    if (!nonce.startsWith(this.clientNonce) || nonce.length <= this.clientNonce.length) throw new SaslError('SCRAM server nonce does not extend ours');
    if (!Number.isInteger(iterations) || iterations < 1 || salt.length === 0) throw new SaslError('SCRAM server-first message is malformed');
    const len = this.hash === 'sha256' ? 32 : 20;
    const salted = pbkdf2Sync(this.password.normalize('NFKC'), salt, iterations, len, this.hash);
    const clientKey = hmac(this.hash, salted, 'Client Key');
    const storedKey = createHash(this.hash).update(clientKey).digest();
    const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${sf},${withoutProof}`;
    const signature = hmac(this.hash, storedKey, authMessage);
    const proof = Buffer.alloc(len);
    for (let i = 0; i < len; i++) proof[i] = clientKey[i] ^ signature[i];
    this.serverSignature = hmac(this.hash, hmac(this.hash, salted, 'Server Key'), authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  /** Checks server-final `v=…`; throws on `e=…` or a wrong signature. */
  verify(serverFinal: Buffer): void {
    const t = serverFinal.toString('utf8');
    if (t.startsWith('e=')) throw new SaslError(`SCRAM failed: ${t.slice(2)}`);
    const v = t.startsWith('v=') ? Buffer.from(t.slice(2), 'base64') : Buffer.alloc(0);
    if (!this.serverSignature || v.length !== this.serverSignature.length || !timingSafeEqual(v, this.serverSignature)) {
      throw new SaslError('SCRAM server signature does not verify: the server does not know the password');
    }
  }
}

function hmac(hash: string, key: Buffer, data: string): Buffer {
  return createHmac(hash, key).update(data, 'utf8').digest();
}

/** RFC 4616 §2: PLAIN message = [authzid] NUL authcid NUL passwd. */
export function plainResponse(user: string, password: string, authzid = ''): Buffer {
  return Buffer.from(`${authzid}\0${user}\0${password}`, 'utf8');
}
