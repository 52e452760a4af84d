/**
 * BDAT (RFC 3030 §2): a chunk of exactly <size> octets, no dot-stuffing; LAST ends the
 * message. The chunk is always read, even when the command is refused, so its octets are
 * never taken for commands.
 */
import { ProtocolError } from '../../../lib/errors.js';
import { parseBdat } from '../../../protocol/smtp/command.js';
import { BodyReceiver } from '../../../protocol/smtp/body.js';
import type { SmtpCommand } from '../api.js';
import { ANY_STATE } from '../state.js';
import { finishMessage } from './finish.js';

export const bdat: SmtpCommand = {
  name: 'BDAT',
  states: ANY_STATE,
  async handle(s, arg) {
    const { size, last } = parseBdat(arg);
    const st = s.state;
    if (st.kind !== 'rcpt' && st.kind !== 'bdat') {
      if (!(await s.receiveChunk(size, () => {}))) return;
      if (st.kind === 'mail') throw new ProtocolError(554, '5.5.1', 'No valid recipients');
      throw new ProtocolError(503, '5.5.1', 'Bad sequence of commands: need MAIL and RCPT first');
    }
    let body: BodyReceiver;
    if (st.kind === 'bdat') body = st.body;
    else {
      const binary = st.tx.params.body === 'BINARYMIME';
      body = new BodyReceiver({ dotStuffed: false, maxSize: s.opts.maxMessageSize, maxLineLength: binary ? 0 : 998 + s.opts.lineLengthTolerance });
      s.state = { kind: 'bdat', tx: st.tx, body };
    }
    if (!(await s.receiveChunk(size, (b) => body.push(b)))) return;
    if (!last) {
      s.reply(250, '2.0.0', `${size} octets received`);
      return;
    }
    body.finish();
    await finishMessage(s, st.tx, body);
  },
};
