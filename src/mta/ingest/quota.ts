/**
 * Quota (issue #3: 552 5.2.2) at the two moments SMTP can say it. At RCPT: a recipient
 * whose every mailbox is already full is refused at once, so a sender finds out in the
 * session and nothing needs bouncing later. At the end of data, when this message would
 * push a mailbox over: DATA has one reply for all recipients (RFC 5321 §4.1.1.4; LMTP's
 * per-recipient replies, RFC 2033 §4.2, do not exist here). If every local mailbox is
 * full and the message goes nowhere else, the whole message is refused with 552 5.2.2 —
 * nothing was stored, the sender keeps it. Otherwise, as Postfix does when its local
 * delivery agent meets a full mailbox, the message is accepted for the others and the
 * full one's copy goes into the queue, whose local transport tries it again and, still
 * full, fails it permanently (552 5.2.2) and sends the sender a DSN (RFC 3464) — never
 * silently dropped, never refused for recipients who had room.
 */
import { ProtocolError, UserError } from '../../lib/errors.js';
import type { Store } from '../../store/types.js';
import type { Resolution } from './types.js';

export const mailboxFull = (): ProtocolError => new ProtocolError(552, '5.2.2', 'Mailbox full: quota exceeded');

/** Is the account at or over its quota already (no room for any message)? */
async function full(store: Store, accountId: number): Promise<boolean> {
  const account = await store.directory.getAccountById(accountId);
  if (!account || account.quota === null) return false;
  return (await store.mail.quotaUsage(accountId)).bytes >= account.quota;
}

/** RCPT time: throws 552 5.2.2 when the address leads only to local mailboxes that are all full. */
export async function refuseIfFull(store: Store, r: Resolution): Promise<void> {
  const e = r.expansion;
  if (r.kind !== 'local' || e.accounts.length === 0 || e.remote.length > 0 || e.lists.length > 0) return;
  for (const id of e.accounts) if (!(await full(store, id))) return;
  throw mailboxFull();
}

export function isQuotaError(err: unknown): boolean {
  return err instanceof UserError && err.reason === 'quota';
}

/**
 * Local delivery of one copy to `accounts` with the end-of-data rule above. `alone`: this
 * copy is all the message does (no remote recipients, no lists), so a full mailbox may
 * refuse the whole message. `queueFor` takes the full accounts' addresses.
 */
export async function deliverWithQuota(
  store: Store,
  accounts: number[],
  o: { deliver: (ids: number[]) => Promise<unknown>; queueFor: (addresses: string[]) => Promise<unknown>; alone: boolean },
): Promise<void> {
  try {
    await o.deliver(accounts);
    return;
  } catch (err) {
    if (!isQuotaError(err)) throw err;
  }
  const fullOnes: number[] = [];
  if (accounts.length === 1) fullOnes.push(accounts[0]);
  else {
    for (const id of accounts) {
      try {
        await o.deliver([id]);
      } catch (err) {
        if (!isQuotaError(err)) throw err;
        fullOnes.push(id);
      }
    }
  }
  if (fullOnes.length === accounts.length && o.alone) throw mailboxFull();
  const addresses: string[] = [];
  for (const id of fullOnes) {
    const a = await store.directory.getAccountById(id);
    if (a) addresses.push(a.address);
  }
  if (addresses.length > 0) await o.queueFor(addresses);
}
