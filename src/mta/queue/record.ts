/**
 * Recording the outcome of one delivery attempt of one message (some of its recipients)
 * and sending the notices it calls for. The order is the durability contract of
 * ARCHITECTURE.md: acceptances are recorded first (a crash after the hop's 250 must not
 * cause a second delivery); a failure or delay notice is enqueued, committed, before the
 * recipient it reports on is marked (a crash in between can repeat a notice, never lose
 * one).
 */
import type { BlobStore, QueuedMessage, QueuedRecipient, QueueStore } from '../../store/types.js';
import { needsSmtpUtf8 } from '../../protocol/smtp/path.js';
import { buildDsn, reportFor, type DsnAction } from './dsn.js';
import type { AttemptRecorder } from './batch.js';
import { decide, type AttemptOutcome, type Decision, type QueuePolicy } from './policy.js';

export interface RecordContext {
  queue: QueueStore;
  /** Where outcomes are written (group commit when the store can batch). */
  recorder: AttemptRecorder;
  blobs: BlobStore;
  hostname: string;
  policy: QueuePolicy;
}

export interface RecipientAttempt {
  recipient: QueuedRecipient;
  outcome: AttemptOutcome;
}

/** Enqueues one DSN for `reports` of `msg` (null sender, isBounce: never bounced itself). */
export async function enqueueNotice(ctx: RecordContext, msg: QueuedMessage, original: Buffer, reports: Array<{ r: QueuedRecipient; action: DsnAction }>, now: number): Promise<number> {
  const dsn = buildDsn({
    reportingMta: ctx.hostname, to: msg.sender, envid: msg.envid, arrival: msg.arrival, original, ret: msg.ret, now, utf8: msg.smtputf8,
    recipients: reports.map(({ r, action }) => reportFor(r, action, msg.arrival + ctx.policy.maxAgeMs)),
  });
  const blobId = await ctx.blobs.put(dsn.bytes);
  return ctx.queue.enqueue({
    sender: '', blobId, size: dsn.bytes.length, isBounce: true, body: dsn.body, smtputf8: needsSmtpUtf8(msg.sender),
    recipients: [{ address: msg.sender }],
  });
}

export async function recordAttempts(ctx: RecordContext, msg: QueuedMessage, original: Buffer, attempts: RecipientAttempt[], now: number): Promise<void> {
  const decided = attempts.map((a) => ({ ...a, d: decide(msg, a.recipient, a.outcome, now, ctx.policy) }));
  const write = (a: RecipientAttempt & { d: Decision }) => ctx.recorder.record(a.recipient.id, {
    state: a.d.state, reply: a.outcome.reply, remoteMta: a.outcome.remoteMta, at: now, nextAttempt: a.d.nextAttempt, delayNotified: a.d.delayNotified,
  });
  // 1. acceptances, before anything else
  await Promise.all(decided.filter((x) => x.outcome.kind === 'accepted').map(write));
  // 2. the notice (one DSN for all recipients of this attempt that need one), committed
  const notices = decided.filter((x) => x.d.notice !== null);
  if (notices.length > 0) {
    const reports = notices.map((x) => ({
      r: { ...x.recipient, lastReply: x.outcome.reply, remoteMta: x.outcome.remoteMta, lastAttempt: now },
      action: x.d.notice as DsnAction,
    }));
    await enqueueNotice(ctx, msg, original, reports, now);
  }
  // 3. everything else
  await Promise.all(decided.filter((x) => x.outcome.kind !== 'accepted').map(write));
}
