/** HELO (RFC 5321 §4.1.1.1): the old greeting; no extensions, no pipelining. */
import { parseHeloArg } from '../../../protocol/smtp/command.js';
import type { SmtpCommand } from '../api.js';
import { ANY_STATE } from '../state.js';

export const helo: SmtpCommand = {
  name: 'HELO',
  states: ANY_STATE,
  handle(s, arg) {
    s.helo = parseHeloArg(arg);
    s.esmtp = false;
    s.state = { kind: 'idle' };
    s.reply(250, null, `${s.opts.hostname} Hello ${s.helo} [${s.ip}]`);
  },
};
