/**
 * Ingest of a large message (Ingest.acceptStored): the message arrived into a spool blob
 * (server/smtp/spool.ts) and is never held whole. Its header block is read (bounded by
 * HEAD_MAX), gets the same treatment as in accept() — Received, sender authentication
 * over a stream of the blob, forged Authentication-Results removed, Date/Message-ID on
 * submission, Return-Path and List-* per copy — and each stored copy is written as a new
 * blob from the new head followed by the spool's body, read back in RANGE pieces while
 * mail/prepare-stream parses it. Memory: HEAD_MAX plus a few RANGEs per copy in flight.
 * Like accept(), this resolves only when every copy and row is durable.
 * The spool blob itself is referenced by nothing and goes with blob garbage collection.
 */
import { Readable } from 'node:stream';
import type { BlobStore, MailingList } from '../../store/types.js';
import { deliverPrepared } from '../../mail/deliver.js';
import { prepareStream, writeStream } from '../../mail/prepare-stream.js';
import type { ClientInfo, Envelope, StoredMessage } from './types.js';
import { authservId, merge, queuesRemote, type IngestOptions, type RemoteRcpt } from './plan.js';
import { headerEnd, prepend, removeFields } from './headers.js';
import { receivedField, returnPathField, submissionFields } from './trace.js';
import { alreadyListed, bounceAddress, withListHeaders } from './lists.js';
import { checkSenderAuth } from './sender-auth.js';
import { deliverWithQuota } from './quota.js';
import { transactionId } from './transaction-id.js';

/** Largest header block treated as one (Postfix's header_size_limit is 100 KiB); past it
 *  the rest is left as it is, like a body. */
export const HEAD_MAX = 1024 * 1024;
/** Octets read from the spool at a time. */
const RANGE = 1024 * 1024;

/** A message as the head (header fields, possibly with fields added) and the rest of the spool. */
interface Parts {
  head: Buffer;
  spool: StoredMessage;
  bodyStart: number;
}

export async function acceptStored(o: IngestOptions, stored: StoredMessage, env: Envelope, client: ClientInfo): Promise<{ id: string }> {
  const blobs = o.store.blobs;
  const id = transactionId();
  const date = (o.now ?? (() => new Date()))();
  let head = await readHead(blobs, stored);
  const bodyStart = head.length;
  const received = receivedField({
    client, hostname: o.hostname, id, smtputf8: env.smtputf8, date, recipients: env.recipients.map((r) => r.address),
  });
  const fixes = client.mode === 'submission' ? submissionFields(head, { id, hostname: o.hostname, date }) : [];
  const fromOutside = client.mode === 'mx' && !client.authUser;
  // RFC 8601 §5: results claiming to be ours that arrive from outside are forgeries
  if (fromOutside) head = removeFields(head, (name, value) => name === 'authentication-results' && authservId(value) === o.hostname.toLowerCase());
  const original: Parts = { head, spool: stored, bodyStart };
  const checks = fromOutside
    ? await checkSenderAuth(Readable.from(pieces(blobs, original)), o.senderAuth ?? 'off', { ip: client.ip, helo: client.helo, sender: env.sender, hostname: o.hostname, resolver: o.resolver, onReject: o.dmarcReject })
    : { fields: [], junk: false };
  const message = withFields(original, [received, ...checks.fields, ...fixes]);
  // RFC 7489 §6.3 "quarantine": local copies go to the Junk folder (INBOX when there is none)
  const mailbox = checks.junk ? 'Junk' : undefined;
  const plan = merge(env);
  const work: Array<Promise<unknown>> = [];
  const enqueueTo = (m: Parts, sender: string, rcpts: RemoteRcpt[]) => work.push(enqueueCopy(o, m, sender, rcpts, env));
  // a full mailbox: quota.ts says what happens (552 5.2.2, or the queue and a DSN)
  const deliverTo = (m: Parts, sender: string, accounts: number[], alone = false) => work.push(deliverWithQuota(o.store, accounts, {
    alone,
    deliver: (ids) => deliverCopy(o, withFields(m, [returnPathField(sender)]), ids, mailbox),
    queueFor: (addresses) => enqueueCopy(o, m, sender, addresses.map((address) => ({ address, orcpt: null, notify: null })), env),
  }));
  if (plan.accounts.length > 0) deliverTo(message, env.sender, plan.accounts, plan.remote.length === 0 && plan.lists.length === 0);
  if (plan.remote.length > 0) enqueueTo(message, env.sender, plan.remote);
  for (const l of plan.lists) {
    if (alreadyListed(message.head, l.list)) continue;
    const copy = listCopy(message, l.list);
    const sender = bounceAddress(l.list);
    if (l.accounts.length > 0) deliverTo(copy, sender, l.accounts);
    if (l.remote.length > 0) enqueueTo(copy, sender, l.remote.map((address) => ({ address, orcpt: null, notify: null })));
  }
  const results = await Promise.allSettled(work);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
  if (queuesRemote(plan)) o.onQueued?.();
  return { id };
}

function withFields(m: Parts, fields: string[]): Parts {
  return { ...m, head: prepend(m.head, fields) };
}

function listCopy(m: Parts, list: MailingList): Parts {
  return { ...m, head: withListHeaders(m.head, list) };
}

async function deliverCopy(o: IngestOptions, m: Parts, accounts: number[], mailbox: string | undefined): Promise<unknown> {
  const prepared = await prepareStream(o.store, pieces(o.store.blobs, m));
  return (o.deliverPrepared ?? deliverPrepared)({ store: o.store, bus: o.bus }, prepared, accounts.map((accountId) => ({ accountId, ...(mailbox ? { mailbox } : {}) })));
}

async function enqueueCopy(o: IngestOptions, m: Parts, sender: string, rcpts: RemoteRcpt[], env: Envelope): Promise<number> {
  const { blobId, size } = await writeStream(o.store.blobs, pieces(o.store.blobs, m));
  return o.store.queue.enqueue({
    sender, blobId, size, envid: env.envid, ret: env.ret, isBounce: sender === '',
    body: env.body, smtputf8: env.smtputf8, recipients: rcpts,
  });
}

/** The copy's bytes: its head, then the spool from the end of the original head on. */
async function* pieces(blobs: BlobStore, m: Parts): AsyncGenerator<Buffer> {
  yield m.head;
  for (let at = m.bodyStart; at < m.spool.size; at += RANGE) {
    yield await blobs.getRange(m.spool.blobId, at, Math.min(m.spool.size, at + RANGE));
  }
}

/** The header block up to and including its blank line; without one inside HEAD_MAX, the
 *  whole lines within HEAD_MAX (the rest is then treated as body). */
async function readHead(blobs: BlobStore, m: StoredMessage): Promise<Buffer> {
  const first = await blobs.getRange(m.blobId, 0, Math.min(m.size, HEAD_MAX));
  const end = headerEnd(first);
  if (end < first.length || first.length === m.size) return first.subarray(0, end);
  const lastLine = first.lastIndexOf('\r\n');
  return first.subarray(0, lastLine < 0 ? first.length : lastLine + 2);
}
