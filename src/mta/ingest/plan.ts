/**
 * What createIngest (ingest.ts) is built from, and the recipient plan both ingest paths
 * (accept for messages in memory, acceptStored for large ones in stored.ts) share: the
 * merged expansions of the transaction's recipients and the Authentication-Results check.
 */
import type { Store } from '../../store/types.js';
import type { ChangeBus } from '../../mail/changes.js';
import type { deliverPrepared } from '../../mail/deliver.js';
import { canonicalAddress } from '../../lib/address.js';
import type { Envelope } from './types.js';
import type { SenderAuthMode } from './sender-auth.js';
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
  /** Local delivery of a large, already stored message (acceptStored); mail/deliver's
   *  deliverPrepared() unless a test swaps it. */
  deliverPrepared?: typeof deliverPrepared;
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

/** Whether the transaction put anything into the outbound queue (then ingest kicks the runner). */
export function queuesRemote(plan: ReturnType<typeof merge>): boolean {
  return plan.remote.length > 0 || plan.lists.some((l) => l.remote.length > 0);
}

export interface RemoteRcpt {
  address: string;
  orcpt: string | null;
  notify: string[] | null;
}

/** RFC 8601 §2.2: the authserv-id is the value's first token, before ';'. */
export function authservId(value: string): string {
  return value.split(';')[0].replace(/\([^)]*\)/g, '').trim().split(/\s+/)[0].toLowerCase();
}

/** Merges the recipients' expansions: accounts and remote addresses once each. */
export function merge(env: Envelope) {
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

