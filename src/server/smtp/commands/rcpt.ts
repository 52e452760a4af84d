/**
 * RCPT (RFC 5321 §4.1.1.3): one recipient, resolved by mta/ingest (550 5.1.1 unknown,
 * 554 5.7.1 relaying denied, 251 2.1.5 forward). At most maxRecipients (452 4.5.3,
 * RFC 5321 §4.5.3.1.10). `<postmaster>` alone means our postmaster (§4.5.1).
 */
import { ProtocolError } from '../../../lib/errors.js';
import { parseRcpt } from '../../../protocol/smtp/command.js';
import type { SmtpCommand } from '../api.js';
import { mayRelay } from '../relay.js';
import { paramSupport } from './support.js';

export const rcpt: SmtpCommand = {
  name: 'RCPT',
  states: ['mail', 'rcpt'],
  async handle(s, arg) {
    if (s.state.kind !== 'mail' && s.state.kind !== 'rcpt') return;
    const tx = s.state.tx;
    const { recipient, params } = parseRcpt(arg, paramSupport(s), tx.params.smtputf8);
    if (tx.recipients.length >= s.opts.maxRecipients) throw new ProtocolError(452, '4.5.3', 'Too many recipients');
    const address = recipient; // 'postmaster' alone: ingest finds ours (RFC 5321 §4.5.1)
    const resolution = await s.opts.ingest.resolveRecipient(address, { mayRelay: mayRelay(s), sender: tx.sender });
    tx.recipients.push({ address, orcpt: params.orcpt, notify: params.notify, resolution });
    s.state = { kind: 'rcpt', tx };
    if (resolution.kind === 'forward') s.reply(251, '2.1.5', `User not local; will forward to <${resolution.to}>`);
    else s.reply(250, '2.1.5', `Recipient <${address}> OK`);
  },
};
