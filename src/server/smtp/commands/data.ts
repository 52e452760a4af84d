/**
 * DATA (RFC 5321 §4.1.1.4): 354, then the dot-stuffed body up to CRLF.CRLF, decoded as it
 * arrives into the message spool (memory, or a blob writer past the spill threshold).
 * A body that can only be refused (too big, bare CR/LF, NUL, long line) stops being stored
 * the moment that is known; the rest is read and dropped, and the refusal is the reply to
 * the end of data, the only place RFC 5321 §4.1.1.4 / §4.2 lets a DATA reply go — an
 * earlier reply would be read by the client as the answer to something else.
 */
import { ProtocolError } from '../../../lib/errors.js';
import { BodyReceiver } from '../../../protocol/smtp/body.js';
import type { SmtpCommand } from '../api.js';
import { MessageSpool } from '../spool.js';
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
    const spool = new MessageSpool(s.opts.store.blobs, s.opts.spillThreshold);
    const body = new BodyReceiver({ dotStuffed: true, maxSize: s.opts.maxMessageSize, maxLineLength: 998 + s.opts.lineLengthTolerance, sink: spool.push });
    const pace = () => (body.problem ? spool.discard() : spool.pace());
    if (!(await s.receiveData(body, pace))) {
      await spool.discard();
      return;
    }
    await finishMessage(s, tx, body, spool);
  },
};
