/**
 * MAIL (RFC 5321 §4.1.1.2): starts a transaction. Submission needs AUTH first (RFC 6409
 * §4.3, 530 5.7.0); an authenticated sender may only use its own addresses (553 5.7.1); a
 * declared SIZE over the limit is refused at once (RFC 1870 §6.1, 552 5.3.4).
 */
import { ProtocolError } from '../../../lib/errors.js';
import { parseMail } from '../../../protocol/smtp/command.js';
import type { SmtpCommand } from '../api.js';
import { paramSupport } from './support.js';

export const mail: SmtpCommand = {
  name: 'MAIL',
  states: ['idle'],
  async handle(s, arg) {
    if (s.opts.mode === 'submission' && !s.auth) throw new ProtocolError(530, '5.7.0', 'Authentication required');
    const { sender, params } = parseMail(arg, paramSupport(s));
    if (params.size !== null && params.size > s.opts.maxMessageSize) {
      throw new ProtocolError(552, '5.3.4', `Message size exceeds fixed maximum message size (${s.opts.maxMessageSize})`);
    }
    if (s.auth && !(sender !== '' && (await s.opts.ingest.senderAllowed(s.auth.accountId, sender)))) {
      throw new ProtocolError(553, '5.7.1', `Sender address <${sender}> not owned by user ${s.auth.address}`);
    }
    s.state = { kind: 'mail', tx: { sender, params, recipients: [] } };
    s.reply(250, '2.1.0', `Sender <${sender}> OK`);
  },
};
