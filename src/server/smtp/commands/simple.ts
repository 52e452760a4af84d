/** The one-line commands: RSET, NOOP, QUIT, HELP, TURN (RFC 5321 §4.1.1.5, .9, .10, .8). */
import { ProtocolError } from '../../../lib/errors.js';
import type { SmtpCommand } from '../api.js';
import { ANY_STATE } from '../state.js';

export const rset: SmtpCommand = {
  name: 'RSET',
  states: ANY_STATE,
  handle(s) {
    s.state = s.helo === null ? { kind: 'fresh' } : { kind: 'idle' };
    s.reply(250, '2.0.0', 'OK');
  },
};

export const noop: SmtpCommand = {
  name: 'NOOP',
  states: ANY_STATE,
  handle(s) {
    s.reply(250, '2.0.0', 'OK');
  },
};

export const quit: SmtpCommand = {
  name: 'QUIT',
  states: ANY_STATE,
  handle(s) {
    s.close(221, '2.0.0', `${s.opts.hostname} closing connection`);
  },
};

export const help: SmtpCommand = {
  name: 'HELP',
  states: ANY_STATE,
  handle(s) {
    s.reply(214, '2.0.0', [
      'Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT HELP VRFY EXPN STARTTLS AUTH',
      'See RFC 5321 and https://www.rfc-editor.org/rfc/rfc5321',
    ]);
  },
};

/** TURN (RFC 1869-era role reversal) lets anyone claim a domain's mail: never. */
export const turn: SmtpCommand = {
  name: 'TURN',
  states: ANY_STATE,
  handle() {
    throw new ProtocolError(502, '5.5.1', 'TURN not implemented: it is insecure and obsolete');
  },
};
