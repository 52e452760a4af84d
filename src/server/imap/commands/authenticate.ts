/**
 * AUTHENTICATE (RFC 3501 §6.2.2, RFC 9051 §6.2.2) with SASL-IR (RFC 4959), driving the
 * protocol/sasl state machines: PLAIN and LOGIN only where plaintext passwords are allowed,
 * SCRAM-SHA-256 and CRAM-MD5 always (they need the account's shared secret). "*" cancels with
 * BAD; an initial response "=" is an empty one; malformed base64 is BAD (RFC 3501 §6.2.2).
 * SCRAM's server-final message goes in the tagged OK's place as one more challenge, answered
 * by an empty line (RFC 4422 §3.6 for protocols without additional data with success — IMAP
 * has none before RFC 9051, so we use the challenge form both ways).
 */
import { bad, no } from '../../../protocol/imap/errors.js';
import {
  createMechanism, decodeInitialResponse, decodeSaslBase64, encodeSaslBase64, isSaslCancel, PLAINTEXT_MECHANISMS,
  SaslError, type SaslMechanism, type SaslMechanismName, type SaslStep,
} from '../../../protocol/sasl/index.js';
import { verifySasl } from '../../../mail/authenticate.js';
import { defineCommand, type Ctx, type Completion } from '../types.js';
import { checkLockout, loggedIn } from './login.js';

export const authenticate = defineCommand({
  name: 'AUTHENTICATE',
  states: ['not-authenticated'],
  parse(r) {
    r.sp();
    const mechanism = r.atom('a SASL mechanism').toUpperCase();
    let initial: string | null = null;
    if (!r.atEnd()) {
      r.sp();
      initial = r.atom('an initial response');
    }
    r.end();
    return { mechanism, initial };
  },
  async handle(ctx, { mechanism, initial }) {
    const mech = createMechanism(mechanism, { hostname: ctx.env.hostname });
    if (!mech) throw no(`Unsupported mechanism ${mechanism}`, 'CANNOT');
    if (PLAINTEXT_MECHANISMS.includes(mechanism as SaslMechanismName) && !ctx.plaintextAllowed()) {
      throw no('Plaintext authentication is not allowed without TLS', 'PRIVACYREQUIRED');
    }
    checkLockout(ctx);
    const step = saslCall(() => mech.start(initial === null ? undefined : decodeInitialResponse(initial)));
    return next(ctx, mech, step);
  },
});

function saslCall(fn: () => SaslStep): SaslStep {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SaslError) throw bad(`Authentication failed: ${err.message}`);
    throw err;
  }
}

async function next(ctx: Ctx, mech: SaslMechanism, step: SaslStep): Promise<Completion | 'pending'> {
  if (step.kind === 'challenge') {
    ctx.continuation(encodeSaslBase64(step.data));
    ctx.awaitLine(async (line) => {
      const text = line.toString('latin1').replace(/\r?\n$/, '');
      if (isSaslCancel(text)) throw bad('Authentication cancelled');
      return next(ctx, mech, saslCall(() => mech.step(decodeSaslBase64(text))));
    });
    return 'pending';
  }
  const outcome = await verifySasl(ctx.env.store.directory, step.identity, step.credential);
  if (outcome?.additionalData) {
    const data = outcome.additionalData;
    ctx.continuation(encodeSaslBase64(data));
    ctx.awaitLine(async (line) => {
      if (isSaslCancel(line.toString('latin1').trim())) throw bad('Authentication cancelled');
      return loggedIn(ctx, outcome.account);
    });
    return 'pending';
  }
  return loggedIn(ctx, outcome?.account ?? null);
}
