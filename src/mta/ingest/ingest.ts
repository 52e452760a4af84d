/**
 * The ingest pipeline every accepted message goes through (the SMTP server never writes a
 * mailbox): Received on top; on submission Date/Message-ID when missing; then the
 * recipients' expansions are merged — each account once (the same account reached twice
 * gets one copy), remote addresses once, each list once with its own headers and bounce
 * sender — and written: local copies through mail/deliver (Return-Path added), remote ones
 * into the outbound queue. `accept` resolves only when every part is durable, so the
 * server's 250 is a promise kept (ARCHITECTURE.md "Durability").
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../../store/types.js';
import type { ChangeBus } from '../../mail/changes.js';
import { canonicalAddress } from '../../lib/address.js';
import type { ClientInfo, Envelope, Ingest, RecipientContext, Resolution } from './types.js';
import { isLocal, resolveRecipient, senderBelongsTo } from './resolve.js';
import { prepend, removeFields } from './headers.js';
import { receivedField, returnPathField, submissionFields } from './trace.js';
import { alreadyListed, bounceAddress, withListHeaders } from './lists.js';
import { deliver as mailDeliver } from '../../mail/deliver.js';
import { checkSenderAuth, type SenderAuthMode } from './sender-auth.js';
import { reverseSrsRecipient } from './srs-bounce.js';
import type { DnsLookup } from '../../auth/verify.js';
import type { SrsOptions } from '../../auth/srs.js';

/** mail/deliver's deliver(): one blob, one transaction for all targets, durable on resolve. */
export type DeliverFn = (
  ctx: { store: Store; bus: ChangeBus },
  raw: Buffer,
  targets: Array<{ accountId: number; mailbox?: string }>,
  opts?: { internalDate?: number },
) => Promise<Array<{ accountId: number; mailboxId: number; uid: number }>>;

export interface IngestOptions {
  store: Store;
  bus: ChangeBus;
  hostname: string;
  /** Local delivery; mail/deliver's deliver() unless a test swaps it. */
  deliver?: DeliverFn;
  now?: () => Date;
  /** smtp.sender_auth for mail from other servers (unauthenticated MX sessions); 'off' by default. */
  senderAuth?: SenderAuthMode;
  /** DNS for sender authentication (`dns.servers`; tests: their own responder); the system resolver otherwise. */
  resolver?: DnsLookup;
  /** auth.dmarc_reject: a DMARC p=reject failure under 'enforce' is refused, or filed into Junk. */
  dmarcReject?: 'reject' | 'quarantine';
  /** SRS: recipients `SRS0=…@srs.domain` (bounces of mail we forwarded) are reversed and relayed. */
  srs?: SrsOptions | null;
  /** Called after remote recipients were committed to the queue: the runner attempts them at once. */
  onQueued?: () => void;
}

interface RemoteRcpt {
  address: string;
  orcpt: string | null;
  notify: string[] | null;
}

export function createIngest(o: IngestOptions): Ingest {
  const dir = o.store.directory;
  const now = o.now ?? (() => new Date());
  const deliver: DeliverFn = o.deliver ?? mailDeliver;
  return {
    isLocalDomain: (domain) => isLocal(dir, `x@${domain}`),
    resolveRecipient: async (address: string, ctx: RecipientContext): Promise<Resolution> =>
      (o.srs ? reverseSrsRecipient(address, o.srs) : null) ?? resolveRecipient(dir, address, ctx, o.hostname),
    senderAllowed: (accountId, address) => senderBelongsTo(dir, accountId, address),
    async accept(raw: Buffer, env: Envelope, client: ClientInfo) {
      const id = randomBytes(6).toString('hex').toUpperCase();
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
      if (plan.accounts.length > 0) {
        work.push(deliver(ctx, prepend(message, [returnPathField(env.sender)]), plan.accounts.map((accountId) => ({ accountId, ...box }))));
      }
      let queued = plan.remote.length > 0;
      if (plan.remote.length > 0) work.push(enqueue(o.store, message, env.sender, plan.remote, env));
      for (const l of plan.lists) {
        if (alreadyListed(message, l.list)) continue;
        const copy = withListHeaders(message, l.list);
        const sender = bounceAddress(l.list);
        if (l.accounts.length > 0) work.push(deliver(ctx, prepend(copy, [returnPathField(sender)]), l.accounts.map((accountId) => ({ accountId, ...box }))));
        if (l.remote.length > 0) queued = true;
        if (l.remote.length > 0) work.push(enqueue(o.store, copy, sender, l.remote.map((address) => ({ address, orcpt: null, notify: null })), env));
      }
      const results = await Promise.allSettled(work);
      for (const r of results) if (r.status === 'rejected') throw r.reason;
      if (queued) o.onQueued?.();
      return { id };
    },
  };
}

/** RFC 8601 §2.2: the authserv-id is the value's first token, before ';'. */
function authservId(value: string): string {
  return value.split(';')[0].replace(/\([^)]*\)/g, '').trim().split(/\s+/)[0].toLowerCase();
}

/** Merges the recipients' expansions: accounts and remote addresses once each. */
function merge(env: Envelope) {
  const accounts: number[] = [];
  const remote: RemoteRcpt[] = [];
  const seenRemote = new Set<string>();
  const lists = new Map<string, Envelope['recipients'][number]['resolution']['expansion']['lists'][number]>();
  for (const r of env.recipients) {
    const e = r.resolution.expansion;
    for (const a of e.accounts) if (!accounts.includes(a)) accounts.push(a);
    for (const address of e.remote) {
      const key = canonicalAddress(address) ?? address;
      if (seenRemote.has(key)) continue;
      seenRemote.add(key);
      // RFC 3461 §4.2: a forwarded recipient keeps its original address as ORCPT
      const direct = r.resolution.kind === 'remote';
      remote.push({ address, orcpt: r.orcpt ?? (direct ? null : `rfc822;${r.address}`), notify: r.notify });
    }
    for (const l of e.lists) if (!lists.has(l.list.address.toLowerCase())) lists.set(l.list.address.toLowerCase(), l);
  }
  return { accounts, remote, lists: [...lists.values()] };
}

async function enqueue(store: Store, raw: Buffer, sender: string, rcpts: RemoteRcpt[], env: Envelope): Promise<number> {
  const blobId = await store.blobs.put(raw);
  return store.queue.enqueue({
    sender, blobId, size: raw.length, envid: env.envid, ret: env.ret, isBounce: sender === '',
    body: env.body, smtputf8: env.smtputf8, recipients: rcpts,
  });
}
