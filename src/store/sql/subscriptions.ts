/**
 * Subscriptions (RFC 3501 §6.3.6–7, RFC 9051 §6.3.7–8): names an account subscribes to, kept
 * apart from mailboxes. Deleting a mailbox keeps its subscription ("the server MUST NOT
 * unilaterally remove an existing mailbox name from the subscription list"), and RENAME
 * leaves subscriptions where they are, as Dovecot does.
 *
 * Invariant: mailboxes.subscribed = 1 exactly when (account_id, name) is a subscription.
 * That mirror lets the Mailbox rows carry `subscribed` without another query; every write
 * that changes a name or a subscription calls mirror() in the same transaction.
 */
import type { Kysely } from 'kysely';
import { UserError } from '../../lib/errors.js';
import type { Sql } from './db.js';
import { normalizeName } from './names.js';
import type { DB } from './schema.js';

export async function isSubscribed(db: Kysely<DB>, accountId: number, name: string): Promise<boolean> {
  const row = await db.selectFrom('subscriptions').select('name').where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst();
  return row !== undefined;
}

/** Adds the subscription (idempotent). Callers mirror it (or insert the row mirrored). */
export async function addSubscription(trx: Kysely<DB>, accountId: number, name: string): Promise<void> {
  await trx.insertInto('subscriptions').values({ account_id: accountId, name }).onConflict((oc) => oc.columns(['account_id', 'name']).doNothing()).execute();
}

/** Sets mailboxes.subscribed of the named mailboxes from the subscriptions table. */
export async function mirror(trx: Kysely<DB>, accountId: number, names: string[]): Promise<void> {
  for (const name of names) {
    const sub = await isSubscribed(trx, accountId, name);
    await trx.updateTable('mailboxes').set({ subscribed: sub ? 1 : 0 }).where('account_id', '=', accountId).where('name', '=', name).execute();
  }
}

/** SUBSCRIBE needs an existing mailbox (UserError 'not-found', as Dovecot answers); UNSUBSCRIBE
 *  removes the name whether or not it was subscribed or exists. */
export async function setSubscribed(s: Sql, accountId: number, rawName: string, subscribed: boolean): Promise<void> {
  const name = normalizeName(rawName);
  await s.tx(async (trx) => {
    if (subscribed) {
      const box = await trx.selectFrom('mailboxes').select('id').where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst();
      if (!box) throw new UserError(`no mailbox ${name}`, 'not-found');
      await addSubscription(trx, accountId, name);
    } else {
      await trx.deleteFrom('subscriptions').where('account_id', '=', accountId).where('name', '=', name).execute();
    }
    await mirror(trx, accountId, [name]);
  });
}

/** Every subscribed name of the account, in byte order. */
export async function listSubscriptions(db: Kysely<DB>, accountId: number): Promise<string[]> {
  const rows = await db.selectFrom('subscriptions').select('name').where('account_id', '=', accountId).execute();
  return rows.map((r) => r.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
