/**
 * QUOTA (RFC 9208) for one quota root per account, named "" (RFC 9208 §3.1 allows any
 * naming): STORAGE in units of 1024 octets over every mailbox of the account, reported
 * only when the account has a limit. Limits are set by the operator, not over IMAP (no
 * QUOTASET). STATUS DELETED-STORAGE, which RES-STORAGE requires (RFC 9208 §5.1), is in
 * mailboxes.ts. The MESSAGE resource is not advertised: accounts have no message-count
 * limit to report or enforce.
 */
import type { Ctx } from './types.js';
import { account } from './mailboxes.js';

export async function quotaLine(ctx: Ctx): Promise<string> {
  const acc = (await ctx.env.store.directory.getAccountById(account(ctx).id)) ?? account(ctx);
  if (acc.quota === null) return 'QUOTA "" ()';
  const used = await ctx.env.store.mail.quotaUsage(acc.id);
  // RFC 9208 §5.1: STORAGE is in units of 1024 octets.
  return `QUOTA "" (STORAGE ${Math.ceil(used.bytes / 1024)} ${Math.floor(acc.quota / 1024)})`;
}
