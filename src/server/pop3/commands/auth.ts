/**
 * AUTH mechanism [initial-response] (RFC 5034): a SASL exchange with "+ base64" challenges,
 * "*" to cancel, "=" for an empty initial response. A mechanism's success data (SCRAM's
 * server-final) goes out as one more challenge answered by an empty line, since POP3 has
 * no additional data with +OK (RFC 5034 §4). Bare "AUTH" lists the mechanisms (the
 * RFC 1734 probe some clients still send).
 */
import { verifySasl } from '../../../mail/authenticate.js';
import { continuation, multiline, ok } from '../../../protocol/pop3/index.js';
import {
  PLAINTEXT_MECHANISMS, SaslError, createMechanism, decodeInitialResponse, decodeSaslBase64, encodeSaslBase64,
  isSaslCancel, type SaslMechanismName, type SaslStep,
} from '../../../protocol/sasl/index.js';
import { offeredMechanisms } from './capa.js';
import type { Pop3CommandHandler, Pop3Context } from '../state.js';
import { loginFailed, loginSucceeded, refuseIfLockedOut } from '../login.js';

/** SASL responses are not bound by the 255-octet command limit (RFC 5034 §4). */
const SASL_LINE_LIMIT = 16 * 1024;

export const auth: Pop3CommandHandler = {
  name: 'AUTH',
  states: ['authorization'],
  async handle(ctx, cmd) {
    if (ctx.state.kind !== 'authorization') return;
    if (cmd.args.length === 0) return ctx.write(multiline(ok('supported mechanisms follow'), offeredMechanisms(ctx)));
    if (cmd.args.length > 2) return ctx.err('AUTH takes a mechanism and an optional initial response');
    const name = cmd.args[0].toUpperCase();
    const mechanism = createMechanism(name, { hostname: ctx.options.hostname });
    if (!mechanism) return ctx.err(`unsupported mechanism ${name.slice(0, 40)}`);
    if (PLAINTEXT_MECHANISMS.includes(name as SaslMechanismName) && !ctx.plaintextAllowed()) {
      return ctx.err('plaintext authentication requires TLS: use STLS first', 'AUTH');
    }
    if (await refuseIfLockedOut(ctx)) return;
    try {
      let step: SaslStep = mechanism.start(cmd.args[1] === undefined ? undefined : decodeInitialResponse(cmd.args[1]));
      while (step.kind === 'challenge') {
        const reply = await exchange(ctx, step.data);
        if (reply === null) return;
        step = mechanism.step(reply);
      }
      const outcome = await verifySasl(ctx.options.store.directory, step.identity, step.credential);
      if (!outcome) return loginFailed(ctx);
      if (outcome.additionalData) {
        const reply = await exchange(ctx, outcome.additionalData);
        if (reply === null) return;
        if (reply.length !== 0) return ctx.err('expected an empty response');
      }
      return loginSucceeded(ctx, outcome.account);
    } catch (e) {
      if (e instanceof SaslError) return ctx.err(`authentication failed: ${e.message}`);
      throw e;
    }
  },
};

/** Sends a challenge; returns the decoded reply, or null when the exchange ended (answered). */
async function exchange(ctx: Pop3Context, challenge: Buffer): Promise<Buffer | null> {
  await ctx.write(continuation(encodeSaslBase64(challenge)));
  const line = await ctx.readLine(SASL_LINE_LIMIT);
  if (line === null) return null;
  if (isSaslCancel(line)) {
    await ctx.err('authentication cancelled');
    return null;
  }
  return decodeSaslBase64(line);
}
