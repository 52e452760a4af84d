/** EHLO (RFC 5321 §4.1.1.1): greets, resets any transaction, lists the extensions. */
import { parseHeloArg } from '../../../protocol/smtp/command.js';
import type { SessionApi, SmtpCommand } from '../api.js';
import { ANY_STATE } from '../state.js';
import { authMechanisms } from '../sasl.js';

export function extensions(s: SessionApi): string[] {
  const ext = [
    'PIPELINING', // RFC 2920
    `SIZE ${s.opts.maxMessageSize}`, // RFC 1870
    '8BITMIME', // RFC 6152
    'SMTPUTF8', // RFC 6531
    'ENHANCEDSTATUSCODES', // RFC 2034
    'DSN', // RFC 3461
    'CHUNKING', // RFC 3030
    'BINARYMIME', // RFC 3030
  ];
  if (!s.secure) ext.push('STARTTLS'); // RFC 3207 §4.2: not after TLS is on
  const mechs = authMechanisms(s);
  if (mechs.length > 0 && !s.auth) ext.push(`AUTH ${mechs.join(' ')}`); // RFC 4954 §3
  ext.push('HELP');
  return ext;
}

export const ehlo: SmtpCommand = {
  name: 'EHLO',
  states: ANY_STATE,
  handle(s, arg) {
    s.helo = parseHeloArg(arg);
    s.esmtp = true;
    s.state = { kind: 'idle' };
    s.reply(250, null, [`${s.opts.hostname} Hello ${s.helo} [${s.ip}]`, ...extensions(s)]);
  },
};
