/**
 * AUTH (RFC 4954): a SASL exchange over 334 challenges, driven by the protocol/sasl state
 * machines and checked by mail/authenticate. Password mechanisms need TLS except on
 * loopback (538 5.7.11, §6). Each failure is answered 535 5.7.8 after the per-address delay
 * of the shared AuthFailureTracker; a locked-out address gets 421 4.7.0, and too many
 * failures in one session end it. Success: 235 2.7.0, and MAIL FROM is then checked
 * against the account's addresses (mail.ts).
 */
import { ProtocolError } from '../../../lib/errors.js';
import { createMechanism, decodeInitialResponse, decodeSaslBase64, isSaslCancel, SaslError, PLAINTEXT_MECHANISMS, type SaslMechanismName, type SaslStep } from '../../../protocol/sasl/index.js';
import { verifySasl } from '../../../mail/authenticate.js';
import type { SessionApi, SmtpCommand } from '../api.js';
import { plaintextAllowed } from '../sasl.js';

const failures = new WeakMap<SessionApi, number>();

/** Sends a 334 challenge and returns the decoded answer (RFC 4954 §4). */
async function challenge(s: SessionApi, data: Buffer): Promise<Buffer | null> {
  s.reply(334, null, data.toString('base64'));
  // RFC 4954 §4: responses may be longer than a command line; 12288 covers real ones
  const r = await s.readLine(12288);
  if (!r) return null;
  if (r.kind === 'too-long') throw new ProtocolError(500, '5.5.6', 'Authentication exchange line is too long');
  const text = r.line.toString('latin1');
  if (isSaslCancel(text)) throw new ProtocolError(501, '5.0.0', 'Authentication aborted');
  return decodeSaslBase64(text);
}

async function fail(s: SessionApi): Promise<never> {
  const delay = s.opts.authTracker.failure(s.ip);
  await new Promise((r) => setTimeout(r, delay));
  const n = (failures.get(s) ?? 0) + 1;
  failures.set(s, n);
  if (n >= s.opts.maxAuthFailures) {
    s.reply(535, '5.7.8', 'Authentication credentials invalid');
    s.close(421, '4.7.0', `${s.opts.hostname} Too many failed authentication attempts`);
  }
  throw new ProtocolError(535, '5.7.8', 'Authentication credentials invalid');
}

export const auth: SmtpCommand = {
  name: 'AUTH',
  states: ['idle'],
  async handle(s, arg) {
    if (!s.esmtp) throw new ProtocolError(503, '5.5.1', 'Send EHLO before AUTH');
    if (s.auth) throw new ProtocolError(503, '5.5.1', 'Already authenticated');
    if (s.opts.authTracker.lockedOut(s.ip) > 0) {
      s.close(421, '4.7.0', `${s.opts.hostname} Too many failed authentications from your address, try again later`);
      return;
    }
    const [name = '', initial, extra] = arg.split(' ');
    if (name === '' || extra !== undefined) throw new ProtocolError(501, '5.5.4', 'syntax: AUTH mechanism [initial-response]');
    const mech = createMechanism(name, { hostname: s.opts.hostname });
    if (!mech) throw new ProtocolError(504, '5.5.4', 'Unrecognized authentication type');
    if (PLAINTEXT_MECHANISMS.includes(name.toUpperCase() as SaslMechanismName) && !plaintextAllowed(s)) {
      throw new ProtocolError(538, '5.7.11', 'Encryption required for requested authentication mechanism');
    }
    let step: SaslStep;
    try {
      step = mech.start(initial === undefined ? undefined : decodeInitialResponse(initial));
      while (step.kind === 'challenge') {
        const answer = await challenge(s, step.data);
        if (!answer) return;
        step = mech.step(answer);
      }
    } catch (err) {
      if (err instanceof SaslError) throw new ProtocolError(501, '5.5.2', `Cannot decode response: ${err.message}`);
      throw err;
    }
    const outcome = await verifySasl(s.opts.store.directory, step.identity, step.credential);
    if (!outcome) return fail(s);
    if (outcome.additionalData) {
      // RFC 4954 §4: additional data with success travels as one more 334; the client answers empty
      const empty = await challenge(s, outcome.additionalData);
      if (!empty) return;
    }
    s.opts.authTracker.success(s.ip);
    s.auth = { accountId: outcome.account.id, address: outcome.account.address };
    s.reply(235, '2.7.0', 'Authentication successful');
  },
};
