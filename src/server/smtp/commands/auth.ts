/** AUTH (RFC 4954): placeholder until protocol/sasl lands on main. */
import { ProtocolError } from '../../../lib/errors.js';
import type { SmtpCommand } from '../api.js';

export const auth: SmtpCommand = {
  name: 'AUTH',
  states: ['idle'],
  handle() {
    throw new ProtocolError(504, '5.5.4', 'Unrecognized authentication type');
  },
};
