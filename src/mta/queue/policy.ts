/**
 * The queue's decisions as pure functions of (recipient, message, outcome, now, policy):
 * when to retry, when to warn the sender of a delay, when to give up, and which delivery
 * status notification (if any) the attempt calls for. No I/O, no clock: the scheduler
 * supplies `now` and records what these functions return.
 *
 * Rules: RFC 5321 §4.5.4.1 (retry at least 30 minutes apart by default, give up after
 * 4-5 days), RFC 3461 §4.1 (NOTIFY: NEVER / SUCCESS / FAILURE / DELAY; absent means
 * FAILURE and, at our discretion, DELAY) and §6.2 ("relayed" when a hop without DSN
 * support accepts a recipient that asked for SUCCESS). A bounce (null reverse-path) is
 * never answered with another notice (RFC 3461 §6.2, RFC 5321 §6.1).
 */
import { durationMs } from '../../config/values.js';
import type { QueuedMessage, QueuedRecipient, RecipientState } from '../../store/types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface QueuePolicy {
  /** Waits between attempts, ms: the n-th retry waits schedule[n-1]; the last one repeats. */
  retrySchedule: number[];
  /** `queue.delay_warning`: age at which the sender is told once; 0 = never. */
  delayWarningMs: number;
  /** `queue.max_age`: age after which a temporary failure becomes final. */
  maxAgeMs: number;
}

/** Default: 5 min, then doubling, capped at 1 h; a warning after 4 h; give up after 5 days. */
export const defaultPolicy: QueuePolicy = {
  retrySchedule: [5 * MINUTE, 10 * MINUTE, 20 * MINUTE, 40 * MINUTE, HOUR],
  delayWarningMs: 4 * HOUR,
  maxAgeMs: 5 * DAY,
};

/** Builds a schedule from a first interval doubling up to a cap (both ms). */
export function doublingSchedule(firstMs: number, capMs: number): number[] {
  const out: number[] = [];
  for (let d = firstMs; d < capMs; d *= 2) out.push(d);
  out.push(capMs);
  return out;
}

/** The policy from the loaded configuration's `queue` section (durations as strings). */
export function policyFromConfig(queue: { retry: string[]; delay_warning: string; max_age: string }): QueuePolicy {
  return { retrySchedule: queue.retry.map(durationMs), delayWarningMs: durationMs(queue.delay_warning), maxAgeMs: durationMs(queue.max_age) };
}

/** The wait after the `attempts`-th failed attempt (attempts ≥ 1). */
export function retryDelay(attempts: number, policy: QueuePolicy = defaultPolicy): number {
  const s = policy.retrySchedule;
  if (s.length === 0) return 5 * MINUTE;
  return s[Math.min(Math.max(attempts, 1), s.length) - 1];
}

/** The result of one delivery attempt for one recipient. */
export type AttemptOutcome =
  | { kind: 'accepted'; reply: string; remoteMta: string | null; hopHasDsn: boolean }
  | { kind: 'temporary'; reply: string; remoteMta: string | null }
  | { kind: 'permanent'; reply: string; remoteMta: string | null };

export type NoticeKind = 'failed' | 'delayed' | 'relayed';

export interface Decision {
  state: RecipientState;
  /** Epoch ms of the next attempt (deferred recipients only). */
  nextAttempt?: number;
  /** Set when this attempt used up the recipient's one delay warning. */
  delayNotified?: boolean;
  /** The notice this attempt calls for, already filtered by NOTIFY and bounce rules. */
  notice: NoticeKind | null;
}

/** RFC 3461 §4.1: does the recipient's NOTIFY ask for this kind of notice? */
export function wantsNotice(notify: string[] | null, kind: NoticeKind): boolean {
  const n = (notify ?? []).map((x) => x.toUpperCase());
  if (n.includes('NEVER')) return false;
  if (kind === 'relayed') return n.includes('SUCCESS');
  if (n.length === 0) return true; // absent: FAILURE, and DELAY at the MTA's discretion
  return n.includes(kind === 'failed' ? 'FAILURE' : 'DELAY');
}

/** A bounce, or mail with the null reverse-path, never gets a notice (RFC 5321 §6.1). */
export function mayNotify(msg: Pick<QueuedMessage, 'sender' | 'isBounce'>): boolean {
  return !msg.isBounce && msg.sender !== '';
}

export function decide(
  msg: Pick<QueuedMessage, 'sender' | 'isBounce' | 'arrival'>,
  rcpt: Pick<QueuedRecipient, 'attempts' | 'notify' | 'delayNotified'>,
  outcome: AttemptOutcome,
  now: number,
  policy: QueuePolicy = defaultPolicy,
): Decision {
  const notice = (kind: NoticeKind): NoticeKind | null => (mayNotify(msg) && wantsNotice(rcpt.notify, kind) ? kind : null);
  switch (outcome.kind) {
    case 'accepted':
      // RFC 3461 §5.2.2 / RFC 3464 §2.3.3: a hop with DSN carries NOTIFY onward; without
      // it, SUCCESS requesters are told "relayed" by us.
      if (!outcome.hopHasDsn && notice('relayed')) return { state: 'relayed', notice: 'relayed' };
      return { state: 'delivered', notice: null };
    case 'permanent':
      return { state: 'failed', notice: notice('failed') };
    case 'temporary': {
      const age = now - msg.arrival;
      // RFC 5321 §4.5.4.1: give-up time 4-5 days.
      if (age >= policy.maxAgeMs) return { state: 'failed', notice: notice('failed') };
      const nextAttempt = now + retryDelay(rcpt.attempts + 1, policy);
      if (!rcpt.delayNotified && policy.delayWarningMs > 0 && age >= policy.delayWarningMs) {
        return { state: 'deferred', nextAttempt, delayNotified: true, notice: notice('delayed') };
      }
      return { state: 'deferred', nextAttempt, notice: null };
    }
  }
}
