/**
 * The change bus: how IMAP IDLE, POP3 and the webmail learn that a mailbox changed.
 * Writers (delivery, IMAP, POP3) publish after their change is committed; the store's
 * EventTransport carries the event to every process sharing the store (in process for
 * SQLite, LISTEN/NOTIFY for PostgreSQL). Delivery is at-most-once: a subscriber treats an
 * event as "look again" and re-reads the mailbox state from the store.
 */
import type { EventTransport, MailboxEvent } from '../store/types.js';

export type MailboxListener = (event: MailboxEvent) => void;

export class ChangeBus {
  private readonly byMailbox = new Map<number, Set<MailboxListener>>();
  private readonly byAccount = new Map<number, Set<MailboxListener>>();
  private readonly unsubscribe: () => void;

  constructor(private readonly transport: EventTransport) {
    this.unsubscribe = transport.subscribe((e) => this.dispatch(e));
  }

  /** Publish after commit. Never throws: a lost event only delays what IDLE shows. */
  async publish(event: MailboxEvent): Promise<void> {
    try {
      await this.transport.publish(event);
    } catch {
      // at-most-once by contract; subscribers poll on NOOP anyway
    }
  }

  /** Events of one mailbox. Returns the function that unsubscribes. */
  watchMailbox(mailboxId: number, fn: MailboxListener): () => void {
    return add(this.byMailbox, mailboxId, fn);
  }

  /** Events of every mailbox of one account (LIST-STATUS, NOTIFY, webmail). */
  watchAccount(accountId: number, fn: MailboxListener): () => void {
    return add(this.byAccount, accountId, fn);
  }

  close(): void {
    this.unsubscribe();
    this.byMailbox.clear();
    this.byAccount.clear();
  }

  private dispatch(event: MailboxEvent): void {
    for (const fn of this.byMailbox.get(event.mailboxId) ?? []) safeCall(fn, event);
    for (const fn of this.byAccount.get(event.accountId) ?? []) safeCall(fn, event);
  }
}

function add(map: Map<number, Set<MailboxListener>>, key: number, fn: MailboxListener): () => void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(fn);
  return () => {
    set.delete(fn);
    if (set.size === 0) map.delete(key);
  };
}

function safeCall(fn: MailboxListener, event: MailboxEvent): void {
  try {
    fn(event);
  } catch {
    // one broken listener must not stop the others
  }
}
