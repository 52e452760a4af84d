/**
 * BDAT (RFC 3030 §2): a chunk of exactly <size> octets, no dot-stuffing; LAST ends the
 * message. The chunk is always read, even when the command is refused, so its octets are
 * never taken for commands. Chunks go into the transaction's message spool as they arrive
 * (memory, or a blob writer past the spill threshold). The chunk that takes the message
 * past SIZE is answered 552 5.3.4 at once (RFC 3030 §2 lets any BDAT get an error reply)
 * and the transaction ends: nothing is stored, and BDATs the client had already pipelined
 * are read and refused with 503.
 */
import { ProtocolError } from '../../../lib/errors.js';
import { parseBdat } from '../../../protocol/smtp/command.js';
import { BodyReceiver } from '../../../protocol/smtp/body.js';
import type { SmtpCommand } from '../api.js';
import { ANY_STATE } from '../state.js';
import { MessageSpool } from '../spool.js';
import { finishMessage, problemError } from './finish.js';

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
    let spool: MessageSpool;
    if (st.kind === 'bdat') ({ body, spool } = st);
    else {
      const binary = st.tx.params.body === 'BINARYMIME';
      spool = new MessageSpool(s.opts.store.blobs, s.opts.spillThreshold);
      body = new BodyReceiver({ dotStuffed: false, maxSize: s.opts.maxMessageSize, maxLineLength: binary ? 0 : 998 + s.opts.lineLengthTolerance, sink: spool.push });
      s.state = { kind: 'bdat', tx: st.tx, body, spool };
    }
    const sink = async (b: Buffer) => {
      body.push(b);
      // a body that can only be refused is not stored any further
      await (body.problem ? spool.discard() : spool.pace());
    };
    if (!(await s.receiveChunk(size, sink))) return;
    if (body.problem === 'too-big') {
      s.state = { kind: 'idle' }; // the session discards the spool
      throw problemError('too-big', s);
    }
    if (!last) {
      s.reply(250, '2.0.0', `${size} octets received`);
      return;
    }
    body.finish();
    await finishMessage(s, st.tx, body, spool);
  },
};
