/**
 * The local transport: queued mail for one of our own domains (a bounce to one of our
 * users, mail queued before its domain became local) goes through mta/ingest like mail
 * received over SMTP — recipient resolution (aliases, forwards, lists), a Received field,
 * durable delivery — never through the network. This is the queue runner's `deliverLocal`.
 */
import type { Ingest } from '../ingest/types.js';

export function localDelivery(ingest: Ingest, hostname: string): (raw: Buffer, sender: string, recipient: string) => Promise<void> {
  return async (raw, sender, recipient) => {
    // Throws ProtocolError for an unknown user (5xx: the queue fails it and notifies).
    const resolution = await ingest.resolveRecipient(recipient, { mayRelay: false, sender });
    await ingest.accept(
      raw,
      { sender, recipients: [{ address: recipient, orcpt: null, notify: null, resolution }], body: '8BITMIME', smtputf8: false, envid: null, ret: null },
      { ip: '127.0.0.1', helo: hostname, esmtp: true, tls: null, authUser: null, mode: 'mx' },
    );
  };
}
