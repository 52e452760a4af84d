/**
 * The end of a message (DATA's CRLF.CRLF or BDAT LAST): report a body problem with its
 * reply, or hand the message to mta/ingest — the bytes of a small one, the blob of one that
 * spilled (spool.ts) — and answer 250 only once ingest says everything is durable
 * (ARCHITECTURE.md "Durability").
 */
import { ProtocolError, UserError } from '../../../lib/errors.js';
import type { BodyProblem, BodyReceiver } from '../../../protocol/smtp/body.js';
import type { SessionApi } from '../api.js';
import type { Transaction } from '../state.js';
import type { MessageSpool, Spooled } from '../spool.js';
import type { ClientInfo, Envelope } from '../../../mta/ingest/types.js';

export function problemError(p: BodyProblem, s: SessionApi): ProtocolError {
  switch (p) {
    case 'too-big': // RFC 1870 §6.3
      return new ProtocolError(552, '5.3.4', `Message size exceeds fixed maximum message size (${s.opts.maxMessageSize})`);
    case 'bare-lf': // RFC 5321 §2.3.8; SMTP smuggling
      return new ProtocolError(554, '5.5.2', 'Bare LF in message data: lines must end with CRLF (RFC 5321 §2.3.8)');
    case 'bare-cr':
      return new ProtocolError(554, '5.5.2', 'Bare CR in message data: lines must end with CRLF (RFC 5321 §2.3.8)');
    case 'nul':
      return new ProtocolError(554, '5.6.0', 'NUL octet in message data');
    case 'line-too-long': // RFC 5321 §4.5.3.1.6
      return new ProtocolError(554, '5.6.0', `Message line too long (over ${998 + s.opts.lineLengthTolerance} octets)`);
  }
}

export async function finishMessage(s: SessionApi, tx: Transaction, body: BodyReceiver, spool: MessageSpool): Promise<void> {
  s.state = { kind: 'idle' };
  if (body.problem) {
    await spool.discard();
    s.opts.log.info({ ip: s.ip, from: tx.sender, problem: body.problem, size: body.size }, 'smtp: message refused');
    throw problemError(body.problem, s);
  }
  const message = await spool.finish();
  const envelope: Envelope = {
    sender: tx.sender,
    recipients: tx.recipients,
    body: tx.params.body ?? '7BIT',
    smtputf8: tx.params.smtputf8,
    envid: tx.params.envid,
    ret: tx.params.ret,
  };
  const client: ClientInfo = { ip: s.ip, helo: s.helo ?? 'unknown', esmtp: s.esmtp, tls: s.tls, authUser: s.auth?.address ?? null, mode: s.opts.mode };
  const size = message.kind === 'memory' ? message.raw.length : message.size;
  try {
    const { id } = await ingestMessage(s, message, envelope, client);
    s.opts.log.info({ id, ip: s.ip, from: tx.sender, to: tx.recipients.map((r) => r.address), size, user: s.auth?.address }, 'smtp: message accepted');
    s.reply(250, '2.0.0', `OK: queued as ${id}`);
  } catch (err) {
    if (err instanceof UserError && err.reason === 'quota') throw new ProtocolError(552, '5.2.2', 'Mailbox full: quota exceeded');
    throw err;
  }
}

/** Small messages take the in-memory path; a spilled one is handed over as its blob. */
function ingestMessage(s: SessionApi, m: Spooled, envelope: Envelope, client: ClientInfo): Promise<{ id: string }> {
  const ingest = s.opts.ingest;
  if (m.kind === 'memory') return ingest.accept(m.raw, envelope, client);
  if (ingest.acceptStored) return ingest.acceptStored({ blobId: m.blobId, size: m.size }, envelope, client);
  // an Ingest without the streaming path (tests' stand-ins): give it the bytes
  return s.opts.store.blobs.get(m.blobId).then((raw) => ingest.accept(raw, envelope, client));
}
