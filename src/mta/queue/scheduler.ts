/**
 * The queue runner: claim due recipients (with a lease, so several nodes can share one
 * PostgreSQL queue), resolve each recipient domain's next hop, group by destination, hand
 * each group to the SMTP client over at most `maxPerDestination` connections (and
 * `maxConnections` overall), and record every recipient's outcome as it comes back
 * (record.ts: acceptance first).
 *
 * Invariants: one pass at a time per node; a recipient is attempted once per claim; the
 * original blob is never changed (DKIM signatures are added to the bytes sent, each time);
 * a message with more than 30 Received fields fails as a loop (5.4.6) without being sent.
 */
import type { BlobStore, QueuedMessage, QueueStore } from '../../store/types.js';
import type { Logger } from '../../lib/log.js';
import { ProtocolError } from '../../lib/errors.js';
import { domainOf } from '../../lib/address.js';
import { signMessage, type DkimKey } from '../../auth/dkim.js';
import { srsForward, type SrsOptions } from '../../auth/srs.js';
import { resolveDestination, type Destination, type RoutingConfig } from '../transport/routes.js';
import type { DnsResolver } from '../transport/resolver.js';
import { deliverBatch } from '../transport/deliver.js';
import type { SessionOptions } from '../transport/session.js';
import type { OutboundMessage, RecipientOutcome } from '../transport/transaction.js';
import { checkLoop, headerSection } from './loop.js';
import type { AttemptOutcome, QueuePolicy } from './policy.js';
import { recordAttempts, type RecipientAttempt } from './record.js';
import { AttemptRecorder } from './batch.js';

export interface SchedulerOptions {
  queue: QueueStore;
  blobs: BlobStore;
  hostname: string;
  nodeId: string;
  routing: RoutingConfig;
  resolver: DnsResolver;
  session: Pick<SessionOptions, 'connectTimeoutMs' | 'commandTimeoutMs' | 'localAddress' | 'extraCa'>;
  policy: QueuePolicy;
  leaseMs: number;
  pollIntervalMs: number;
  /** `outbound.max_connections`. */
  maxConnections: number;
  /** Connections to one destination at a time. */
  maxPerDestination?: number;
  /** Recipients claimed per pass. */
  batchSize?: number;
  /** SRS for mail whose reverse-path is not in one of our domains (forwards, lists): the
   *  next hop's SPF check sees our domain, bounces come back to us to be reversed. */
  srs?: { options: SrsOptions; isLocalDomain(domain: string): Promise<boolean> };
  /** Our own domains are delivered locally, never through the network (a bounce to one
   *  of our users, mail queued for a domain that became local). `deliver` resolves when the
   *  message is durably stored, or throws a ProtocolError (5xx: fail, else retry). */
  local?: { isLocalDomain(domain: string): Promise<boolean>; deliver(raw: Buffer, sender: string, recipient: string): Promise<void> };
  /** DKIM keys by domain (auth/dkim loadDkimKeys). */
  dkimKeys?: Map<string, DkimKey[]>;
  log: Logger;
  now?: () => number;
}

interface Work {
  dest: Destination;
  items: Array<{ msg: QueuedMessage; out: OutboundMessage; original: Buffer }>;
}

const fromErr = (e: unknown): AttemptOutcome => {
  const p = e instanceof ProtocolError ? e : new ProtocolError(451, '4.3.0', (e as Error).message);
  return { kind: p.code >= 500 ? 'permanent' : 'temporary', reply: `${p.code} ${p.enhanced} ${p.text}`, remoteMta: null };
};

/** The From header's domain (for the DKIM d= that DMARC aligns with), lower case: the
 *  angle-addr when there is one (a display name may contain '@'), else the bare address. */
export function fromDomain(data: Buffer): string | null {
  const h = headerSection(data).toString('latin1').replace(/\r\n[ \t]/g, ' ');
  const from = /^From:([^\r\n]*)/im.exec(h)?.[1];
  if (!from) return null;
  const m = /<[^<>]*@([A-Za-z0-9.-]+)>/.exec(from) ?? /@([A-Za-z0-9.-]+)/.exec(from);
  return m ? m[1].toLowerCase() : null;
}

/** Runs `fn` over `items` with at most `n` in flight. */
async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  const worker = async () => { while (i < items.length) await fn(items[i++]); };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

export class QueueScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = true;
  private readonly recorder: AttemptRecorder;

  constructor(private readonly o: SchedulerOptions) {
    this.recorder = new AttemptRecorder(o.queue);
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** Run a pass soon (new mail was queued); passes never overlap. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) { this.again = true; return; }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.runOnce().catch((e: unknown) => { this.o.log.error({ err: e }, 'queue pass failed'); return 0; });
    void this.running.then((n) => {
      this.running = null;
      if (this.stopped) return;
      if (this.again || n > 0) { this.again = false; this.kick(); } else this.timer = setTimeout(() => this.kick(), this.o.pollIntervalMs);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; resolves to the number of recipients attempted. */
  async runOnce(): Promise<number> {
    const o = this.o;
    const claimed = await o.queue.claimDue(this.now(), o.batchSize ?? 500, o.nodeId, o.leaseMs);
    if (claimed.length === 0) return 0;
    const works = new Map<string, Work>();
    const dests = new Map<string, Promise<Destination>>();
    // A blob shared by many queue entries (list fan-out, one message to many domains) is
    // read and signed once per pass.
    const blobs = new Map<string, Promise<Buffer>>();
    const signed = new Map<string, Promise<Buffer>>();
    let count = 0;
    for (const msg of claimed) {
      const pending = msg.recipients.filter((r) => r.state === 'queued' || r.state === 'deferred');
      count += pending.length;
      let original: Buffer | null = null;
      try {
        if (!blobs.has(msg.blobId)) blobs.set(msg.blobId, o.blobs.get(msg.blobId));
        original = await blobs.get(msg.blobId)!;
        checkLoop(original); // RFC 5321 §6.3
      } catch (e) {
        const oc = fromErr(e);
        await recordAttempts(this.ctx(), msg, original ?? Buffer.alloc(0), pending.map((recipient) => ({ recipient, outcome: oc })), this.now());
        continue;
      }
      if (!signed.has(msg.blobId)) signed.set(msg.blobId, this.sign(original));
      const data = await signed.get(msg.blobId)!;
      const sender = await this.envelopeSender(msg.sender);
      const byDomain = new Map<string, typeof pending>();
      for (const r of pending) {
        const d = domainOf(r.address).toLowerCase();
        byDomain.set(d, [...(byDomain.get(d) ?? []), r]);
      }
      for (const [domain, rcpts] of byDomain) {
        if (o.local && (await o.local.isLocalDomain(domain))) {
          await this.deliverLocally(msg, original, rcpts);
          continue;
        }
        if (!dests.has(domain)) dests.set(domain, resolveDestination(domain, { localNames: [o.hostname], ...o.routing }, o.resolver));
        let dest: Destination;
        try {
          dest = await dests.get(domain)!;
        } catch (e) {
          const oc = fromErr(e);
          await recordAttempts(this.ctx(), msg, original, rcpts.map((recipient) => ({ recipient, outcome: oc })), this.now());
          continue;
        }
        const w = works.get(dest.key) ?? { dest, items: [] };
        works.set(dest.key, w);
        const existing = w.items.find((it) => it.msg.id === msg.id);
        const outRcpts = rcpts.map((r) => ({ id: r.id, address: r.address, notify: r.notify, orcpt: r.orcpt }));
        if (existing) existing.out.recipients.push(...outRcpts);
        else w.items.push({ msg, original, out: { sender, recipients: outRcpts, data, envid: msg.envid, ret: msg.ret, body: msg.body, smtputf8: msg.smtputf8 } });
      }
    }
    // Split each destination's messages over its connections, then run them all.
    const per = o.maxPerDestination ?? 20;
    const jobs: Work[] = [];
    for (const w of works.values()) {
      const n = Math.min(per, w.items.length);
      for (let k = 0; k < n; k++) jobs.push({ dest: w.dest, items: w.items.filter((_, i) => i % n === k) });
    }
    await pool(jobs, o.maxConnections, (job) => this.deliver(job));
    await o.queue.removeFinished();
    return count;
  }

  private ctx() {
    return { queue: this.o.queue, recorder: this.recorder, blobs: this.o.blobs, hostname: this.o.hostname, policy: this.o.policy };
  }

  private async deliverLocally(msg: QueuedMessage, original: Buffer, rcpts: QueuedMessage['recipients']): Promise<void> {
    const attempts: RecipientAttempt[] = [];
    for (const recipient of rcpts) {
      try {
        await this.o.local!.deliver(original, msg.sender, recipient.address);
        attempts.push({ recipient, outcome: { kind: 'accepted', reply: '250 2.0.0 delivered locally', remoteMta: null, hopHasDsn: true } });
      } catch (e) {
        attempts.push({ recipient, outcome: fromErr(e) });
      }
    }
    await recordAttempts(this.ctx(), msg, original, attempts, this.now());
  }

  private async envelopeSender(sender: string): Promise<string> {
    const srs = this.o.srs;
    if (!srs || sender === '' || (await srs.isLocalDomain(domainOf(sender)))) return sender;
    return srsForward(sender, srs.options);
  }

  private async sign(original: Buffer): Promise<Buffer> {
    const domain = fromDomain(original);
    const keys = domain ? this.o.dkimKeys?.get(domain) : undefined;
    if (!keys?.length) return original;
    try {
      return await signMessage(original, keys, this.now());
    } catch (e) {
      this.o.log.warn({ err: e, domain }, 'DKIM signing failed; sending unsigned');
      return original;
    }
  }

  private async deliver(job: Work): Promise<void> {
    const o = this.o;
    const byOut = new Map(job.items.map((it) => [it.out, it]));
    await deliverBatch(job.dest, job.items.map((it) => it.out), { hostname: o.hostname, tls: job.dest.tls, auth: job.dest.auth, ...o.session }, async (out, results: RecipientOutcome[]) => {
      const it = byOut.get(out)!;
      const attempts: RecipientAttempt[] = results.map((r) => ({
        recipient: it.msg.recipients.find((x) => x.id === r.id)!,
        outcome: r.kind === 'accepted'
          ? { kind: 'accepted', reply: r.reply, remoteMta: r.remoteMta || null, hopHasDsn: r.hopHasDsn }
          : { kind: r.kind, reply: r.reply, remoteMta: r.remoteMta || null },
      }));
      await recordAttempts(this.ctx(), it.msg, it.original, attempts, this.now());
      for (const r of results) o.log.info({ queueId: it.msg.id, to: it.msg.recipients.find((x) => x.id === r.id)?.address, relay: r.remoteMta, result: r.kind, reply: r.reply }, 'delivery attempt');
    });
  }
}
