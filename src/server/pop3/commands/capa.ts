/**
 * CAPA (RFC 2449 §5): what this session can do now. USER and the plaintext SASL mechanisms
 * only where plaintext passwords are allowed (RFC 2595 §6); STLS only before TLS and login.
 */
import { multiline, ok } from '../../../protocol/pop3/index.js';
import { PLAINTEXT_MECHANISMS, SECRET_MECHANISMS } from '../../../protocol/sasl/index.js';
import type { Pop3CommandHandler, Pop3Context } from '../state.js';

export function offeredMechanisms(ctx: Pop3Context): string[] {
  return [
    ...(ctx.plaintextAllowed() ? PLAINTEXT_MECHANISMS : []),
    ...(ctx.options.advertiseSecretMechanisms ? SECRET_MECHANISMS : []),
  ];
}

export function capabilities(ctx: Pop3Context): string[] {
  const caps = ['TOP', 'UIDL'];
  if (ctx.state.kind === 'authorization') {
    if (ctx.plaintextAllowed()) caps.push('USER');
    const mechs = offeredMechanisms(ctx);
    if (mechs.length > 0) caps.push(`SASL ${mechs.join(' ')}`);
    if (!ctx.secure) caps.push('STLS');
  }
  caps.push('RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'EXPIRE NEVER');
  const delay = ctx.options.loginDelay.seconds;
  if (delay > 0) caps.push(`LOGIN-DELAY ${delay}`); // RFC 2449 §6.5
  caps.push('IMPLEMENTATION Posthorn');
  return caps;
}

export const capa: Pop3CommandHandler = {
  name: 'CAPA',
  states: ['authorization', 'transaction'],
  async handle(ctx) {
    return ctx.write(multiline(ok('capability list follows'), capabilities(ctx)));
  },
};
