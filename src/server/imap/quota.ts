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

/** The QUOTA response for the account's root, or null when the account has no limit: then
 *  it has no quota root at all (RFC 9208 §4.2.2's example), since a QUOTA response must
 *  name at least one resource with its limit (§9: quota-list = "(" quota-resource
 *  *(SP quota-resource) ")"). */
export async function quotaLine(ctx: Ctx): Promise<string | null> {
  const acc = (await ctx.env.store.directory.getAccountById(account(ctx).id)) ?? account(ctx);
  if (acc.quota === null) return null;
  const used = await ctx.env.store.mail.quotaUsage(acc.id);
  // RFC 9208 §5.1: STORAGE is in units of 1024 octets.
  return `QUOTA "" (STORAGE ${Math.ceil(used.bytes / 1024)} ${Math.floor(acc.quota / 1024)})`;
}
