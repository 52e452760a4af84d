/**
 * Picks and drives a SASL mechanism for the client (RFC 4422): SCRAM-SHA-256 where offered
 * (the password never crosses the wire, and the server proves it knows it), else PLAIN
 * (RFC 4616), else LOGIN. The protocol clients carry the messages (IMAP AUTHENTICATE,
 * SMTP AUTH, POP3 AUTH); this module only says what to send next.
 */
import { ScramClient, plainResponse } from '../protocol/sasl/scram-client.js';
import { ClientError } from './errors.js';

export interface SaslExchange {
  name: 'SCRAM-SHA-256' | 'PLAIN' | 'LOGIN';
  /** Initial response (RFC 4422 §3.3), or null when the mechanism starts with a challenge. */
  initial: Buffer | null;
  /** The answer to a server challenge; throws when the server's data is wrong. */
  step(challenge: Buffer): Buffer;
  /** Called with additional data of a success outcome (SCRAM's v=…), if any. */
  finish(additional: Buffer | null): void;
}

export function pickMechanism(offered: readonly string[], user: string, password: string): SaslExchange | null {
  const has = (m: string) => offered.some((o) => o.toUpperCase() === m);
  if (has('SCRAM-SHA-256')) {
    const c = new ScramClient(user, password);
    let n = 0;
    let verified = false;
    return {
      name: 'SCRAM-SHA-256',
      initial: c.first(),
      step(ch) {
        if (n++ === 0) return c.final(ch);
        c.verify(ch);
        verified = true;
        return Buffer.alloc(0);
      },
      finish(additional) {
        // RFC 5802 §5: the client MUST check the server's signature
        if (!verified && additional) c.verify(additional);
        else if (!verified) throw new ClientError('auth', 'the server did not prove it knows the password (no SCRAM server signature)');
      },
    };
  }
  if (has('PLAIN')) {
    return { name: 'PLAIN', initial: plainResponse(user, password), step: () => Buffer.alloc(0), finish: () => undefined };
  }
  if (has('LOGIN')) {
    let n = 0;
    return {
      name: 'LOGIN',
      initial: null,
      step: () => Buffer.from(n++ === 0 ? user : password, 'utf8'),
      finish: () => undefined,
    };
  }
  return null;
}
