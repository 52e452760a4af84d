/**
 * PLAIN (RFC 4616): one message `[authzid] NUL authcid NUL passwd`, UTF-8. Without an
 * initial response the server sends an empty challenge first (RFC 4616 §2).
 */
import { SaslError, type SaslMechanism, type SaslStep } from './types.js';

const MAX = 255 * 3; // RFC 4616 §2: each field up to 255 octets

export class PlainMechanism implements SaslMechanism {
  readonly name = 'PLAIN';
  private started = false;

  start(initialResponse?: Buffer): SaslStep {
    this.started = true;
    if (initialResponse === undefined) return { kind: 'challenge', data: Buffer.alloc(0) };
    return this.step(initialResponse);
  }

  step(message: Buffer): SaslStep {
    if (!this.started) throw new SaslError('exchange not started');
    if (message.length > MAX + 2) throw new SaslError('PLAIN message too long');
    const parts = splitNul(message);
    if (parts.length !== 3) throw new SaslError('PLAIN message must have three NUL-separated fields');
    const [authzid, authcid, password] = parts.map((p) => p.toString('utf8'));
    // RFC 4616 §2: authcid and passwd are non-empty
    if (authcid === '' || password === '') throw new SaslError('PLAIN message has an empty user name or password');
    return { kind: 'done', identity: { authcid, authzid: authzid === '' ? null : authzid }, credential: { kind: 'password', password } };
  }
}

function splitNul(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (let i = buf.indexOf(0); i !== -1; i = buf.indexOf(0, from)) {
    out.push(buf.subarray(from, i));
    from = i + 1;
  }
  out.push(buf.subarray(from));
  return out;
}
