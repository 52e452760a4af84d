/**
 * URLAUTH mailbox access keys (RFC 4467 §3) over Kysely, both dialects. A key is created at
 * most once per mailbox: concurrent creators race on the primary key and every one of them
 * returns the row that won, so two GENURLAUTH never sign with different keys.
 */
import type { UrlAuthKeys } from '../types.js';
import type { Sql } from './db.js';

export class SqlUrlAuthKeys implements UrlAuthKeys {
  constructor(private readonly s: Sql) {}

  async get(mailboxId: number): Promise<string | null> {
    const row = await this.s.db.selectFrom('urlauth_keys').select('access_key').where('mailbox_id', '=', mailboxId).executeTakeFirst();
    return row?.access_key ?? null;
  }

  async getOrCreate(accountId: number, mailboxId: number, fresh: string): Promise<string> {
    await this.s.db.insertInto('urlauth_keys').values({ mailbox_id: mailboxId, account_id: accountId, access_key: fresh })
      .onConflict((oc) => oc.column('mailbox_id').doNothing()).execute();
    return (await this.get(mailboxId)) ?? fresh;
  }

  async reset(accountId: number, mailboxId?: number): Promise<void> {
    let q = this.s.db.deleteFrom('urlauth_keys').where('account_id', '=', accountId);
    if (mailboxId !== undefined) q = q.where('mailbox_id', '=', mailboxId);
    await q.execute();
  }
}
