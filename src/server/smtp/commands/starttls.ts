/** STARTTLS (RFC 3207 §4): 220, TLS handshake, then a fresh session that must EHLO again. */
import { ProtocolError } from '../../../lib/errors.js';
import type { SmtpCommand } from '../api.js';

export const starttls: SmtpCommand = {
  name: 'STARTTLS',
  states: ['fresh', 'idle'],
  async handle(s, arg) {
    if (arg !== '') throw new ProtocolError(501, '5.5.4', 'STARTTLS takes no argument');
    if (s.secure) throw new ProtocolError(503, '5.5.1', 'TLS already active');
    s.reply(220, '2.0.0', 'Ready to start TLS');
    await s.startTls();
  },
};
