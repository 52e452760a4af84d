/** DATA (RFC 5321 §4.1.1.4): 354, then the dot-stuffed body up to CRLF.CRLF. */
import { ProtocolError } from '../../../lib/errors.js';
import { BodyReceiver } from '../../../protocol/smtp/body.js';
import type { SmtpCommand } from '../api.js';
import { finishMessage } from './finish.js';

export const data: SmtpCommand = {
  name: 'DATA',
  states: ['mail', 'rcpt'],
  async handle(s, arg) {
    if (arg !== '') throw new ProtocolError(501, '5.5.4', 'DATA takes no argument');
    // RFC 5321 §3.3: no accepted recipient
    if (s.state.kind !== 'rcpt') throw new ProtocolError(554, '5.5.1', 'No valid recipients');
    const tx = s.state.tx;
    // RFC 3030 §3: a BINARYMIME body can only travel by BDAT
    if (tx.params.body === 'BINARYMIME') throw new ProtocolError(503, '5.5.1', 'BODY=BINARYMIME requires BDAT');
    s.reply(354, null, 'End data with <CR><LF>.<CR><LF>');
    const body = new BodyReceiver({ dotStuffed: true, maxSize: s.opts.maxMessageSize, maxLineLength: 998 + s.opts.lineLengthTolerance });
    if (!(await s.receiveData(body))) return;
    await finishMessage(s, tx, body);
  },
};
