/**
 * The outbound queue's storage contract (re-exported by store/types.ts, which everything
 * above store/ imports). The common rules at the top of types.ts hold here too: durable on
 * resolve, atomic, UserError for what a user can cause.
 */
import type { BlobId } from './blob-id.js';

export type RecipientState = 'queued' | 'deferred' | 'delivered' | 'failed' | 'relayed';

export interface QueuedRecipient {
  id: number;
  messageId: number;
  address: string;
  /** RFC 3461 ORCPT and NOTIFY, as given. */
  orcpt: string | null;
  notify: string[] | null;
  state: RecipientState;
  attempts: number;
  /** Epoch ms of the next attempt. */
  nextAttempt: number;
  lastAttempt: number | null;
  lastReply: string | null;
  /** Remote MTA that gave lastReply. */
  remoteMta: string | null;
  delayNotified: boolean;
}

export interface QueuedMessage {
  id: number;
  sender: string;
  blobId: BlobId;
  size: number;
  arrival: number;
  envid: string | null;
  ret: 'FULL' | 'HDRS' | null;
  /** True for our own bounces (null sender): never bounced again. */
  isBounce: boolean;
  /** 8BITMIME / BINARYMIME / SMTPUTF8 requirements of the body. */
  body: '7BIT' | '8BITMIME' | 'BINARYMIME';
  smtputf8: boolean;
  recipients: QueuedRecipient[];
}

export interface QueueStore {
  /** Adds a message with its recipients, all 'queued', due now. */
  enqueue(input: {
    sender: string; blobId: BlobId; size: number; envid?: string | null; ret?: 'FULL' | 'HDRS' | null;
    isBounce?: boolean; body?: '7BIT' | '8BITMIME' | 'BINARYMIME'; smtputf8?: boolean;
    recipients: Array<{ address: string; orcpt?: string | null; notify?: string[] | null }>;
  }): Promise<number>;
  /** Claims up to `limit` due recipients (nextAttempt ≤ now, state queued/deferred) with a
   *  lease of `leaseMs` for `node`; a claimed recipient is not handed to another node until
   *  the lease runs out (PostgreSQL: FOR UPDATE SKIP LOCKED). Each returned message carries
   *  only the recipients claimed by this call. */
  claimDue(now: number, limit: number, node: string, leaseMs: number): Promise<QueuedMessage[]>;
  /** Records the outcome of one attempt for one recipient and releases its lease. */
  recordAttempt(recipientId: number, result: {
    state: RecipientState; reply: string | null; remoteMta: string | null; nextAttempt?: number; at: number;
    delayNotified?: boolean;
  }): Promise<void>;
  /** Optional batch form of recordAttempt: every outcome in one transaction (all or none),
   *  durable when it resolves — the queue's group commit (mta/queue/batch.ts) uses it. */
  recordAttempts?(items: Array<{ recipientId: number; result: Parameters<QueueStore['recordAttempt']>[1] }>): Promise<void>;
  get(messageId: number): Promise<QueuedMessage | null>;
  list(): Promise<QueuedMessage[]>;
  /** Makes every pending recipient (of one message, or all) due now. */
  retryNow(messageId?: number): Promise<number>;
  /** Removes the message and its recipients. */
  remove(messageId: number): Promise<void>;
  /** Removes messages none of whose recipients is pending any more. */
  removeFinished(): Promise<number>;
}

