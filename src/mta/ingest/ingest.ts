/**
 * The ingest pipeline every accepted message goes through (the SMTP server never writes a
 * mailbox): Received on top; on submission Date/Message-ID when missing; then the
 * recipients' expansions are merged — each account once (the same account reached twice
 * gets one copy), remote addresses once, each list once with its own headers and bounce
 * sender — and written: local copies through mail/deliver (Return-Path added), remote ones
 * into the outbound queue. `accept` resolves only when every part is durable, so the
 * server's 250 is a promise kept (ARCHITECTURE.md "Durability").
 */
import type { ClientInfo, Envelope, Ingest, RecipientContext, Resolution } from './types.js';
import { isLocal, resolveRecipient, senderBelongsTo } from './resolve.js';
import { prepend, removeFields } from './headers.js';
import { receivedField, returnPathField, submissionFields } from './trace.js';
import { alreadyListed, bounceAddress, withListHeaders } from './lists.js';
import { deliver as mailDeliver } from '../../mail/deliver.js';
import { checkSenderAuth } from './sender-auth.js';
import { reverseSrsRecipient } from './srs-bounce.js';
import { acceptStored } from './stored.js';
import { transactionId } from './transaction-id.js';
import { deliverWithQuota, refuseIfFull } from './quota.js';
import { authservId, merge, queuesRemote, type DeliverFn, type IngestOptions, type RemoteRcpt } from './plan.js';
import type { Store } from '../../store/types.js';

export type { DeliverFn, IngestOptions } from './plan.js';

export function createIngest(o: IngestOptions): Ingest {
  const dir = o.store.directory;
  const now = o.now ?? (() => new Date());
  const deliver: DeliverFn = o.deliver ?? mailDeliver;
  return {
    isLocalDomain: (domain) => isLocal(dir, `x@${domain}`),
    async resolveRecipient(address: string, ctx: RecipientContext): Promise<Resolution> {
      // a bounce of mail we forwarded with SRS goes back to the original sender
      const r = (o.srs ? reverseSrsRecipient(address, o.srs) : null) ?? await resolveRecipient(dir, address, ctx, o.hostname);
      await refuseIfFull(o.store, r); // 552 5.2.2 at RCPT (quota.ts)
      return r;
    },
    senderAllowed: (accountId, address) => senderBelongsTo(dir, accountId, address),
    acceptStored: (message, env, client) => acceptStored(o, message, env, client),
    async accept(raw: Buffer, env: Envelope, client: ClientInfo) {
      const id = transactionId();
      const date = now();
      const received = receivedField({
        client, hostname: o.hostname, id, smtputf8: env.smtputf8, date, recipients: env.recipients.map((r) => r.address),
      });
      const fixes = client.mode === 'submission' ? submissionFields(raw, { id, hostname: o.hostname, date }) : [];
      const fromOutside = client.mode === 'mx' && !client.authUser;
      // RFC 8601 §5: results claiming to be ours that arrive from outside are forgeries
      if (fromOutside) raw = removeFields(raw, (name, value) => name === 'authentication-results' && authservId(value) === o.hostname.toLowerCase());
      const checks = fromOutside
        ? await checkSenderAuth(raw, o.senderAuth ?? 'off', { ip: client.ip, helo: client.helo, sender: env.sender, hostname: o.hostname, resolver: o.resolver, onReject: o.dmarcReject })
        : { fields: [], junk: false };
      const message = prepend(raw, [received, ...checks.fields, ...fixes]);
      // RFC 7489 §6.3 "quarantine": local copies go to the Junk folder (INBOX when there is none)
      const box = checks.junk ? { mailbox: 'Junk' } : {};
      const plan = merge(env);
      const work: Array<Promise<unknown>> = [];
      const ctx = { store: o.store, bus: o.bus };
      // a full mailbox: quota.ts says what happens (552 5.2.2, or the queue and a DSN)
      const local = (copy: Buffer, sender: string, accounts: number[], alone: boolean) => deliverWithQuota(o.store, accounts, {
        alone,
        deliver: (ids) => deliver(ctx, prepend(copy, [returnPathField(sender)]), ids.map((accountId) => ({ accountId, ...box }))),
        queueFor: (addresses) => enqueue(o.store, copy, sender, addresses.map((address) => ({ address, orcpt: null, notify: null })), env),
      });
      if (plan.accounts.length > 0) work.push(local(message, env.sender, plan.accounts, plan.remote.length === 0 && plan.lists.length === 0));
      if (plan.remote.length > 0) work.push(enqueue(o.store, message, env.sender, plan.remote, env));
      for (const l of plan.lists) {
        if (alreadyListed(message, l.list)) continue;
        const copy = withListHeaders(message, l.list);
        const sender = bounceAddress(l.list);
        if (l.accounts.length > 0) work.push(local(copy, sender, l.accounts, false));
        if (l.remote.length > 0) work.push(enqueue(o.store, copy, sender, l.remote.map((address) => ({ address, orcpt: null, notify: null })), env));
      }
      const results = await Promise.allSettled(work);
      for (const r of results) if (r.status === 'rejected') throw r.reason;
      if (queuesRemote(plan)) o.onQueued?.();
      return { id };
    },
  };
}

async function enqueue(store: Store, raw: Buffer, sender: string, rcpts: RemoteRcpt[], env: Envelope): Promise<number> {
  const blobId = await store.blobs.put(raw);
  return store.queue.enqueue({
    sender, blobId, size: raw.length, envid: env.envid, ret: env.ret, isBounce: sender === '',
    body: env.body, smtputf8: env.smtputf8, recipients: rcpts,
  });
}
