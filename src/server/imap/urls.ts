/**
 * What an IMAP URL (protocol/imap/url.ts) names in our store: the account that owns it, the
 * mailbox (UIDVALIDITY checked when the URL carries one, RFC 5092 §6), the message by UID and
 * the section's octets (partial applied, RFC 5092 §6 ipartial). Used by CATENATE (RFC 4469
 * §3: URLs of the session's own mailboxes, or URLAUTH-authorised ones) and URLFETCH
 * (RFC 4467 §7). Every failure is null: callers answer [BADURL] or NIL, never say why, so a
 * forged URL learns nothing about what exists.
 */
import type { Account, Mailbox, MessageRow, Store } from '../../store/types.js';
import type { MimePart, ParsedMessage } from '../../mime/types.js';
import { findPart, sectionRange } from '../../mime/sections.js';
import type { ImapUrl } from '../../protocol/imap/url.js';

export interface UrlTarget {
  owner: Account;
  mailbox: Mailbox;
  row: MessageRow;
  parsed: ParsedMessage;
}

/** The account an absolute URL's "user@host" names: the address itself, or user + "@" + host. */
export async function urlOwner(store: Store, url: ImapUrl): Promise<Account | null> {
  if (url.user === null) return null;
  if (url.user.includes('@')) return store.directory.getAccount(url.user);
  return (url.host ? await store.directory.getAccount(`${url.user}@${url.host}`) : null) ?? store.directory.getAccount(url.user);
}

/** True when `id` (a URL user or an access identifier's user) names `acc`. */
export function sameUser(id: string, host: string | null, acc: Account): boolean {
  const want = acc.address.toLowerCase();
  const got = id.toLowerCase();
  return got === want || (host !== null && !got.includes('@') && `${got}@${host}` === want);
}

export async function locate(store: Store, owner: Account, url: ImapUrl): Promise<UrlTarget | null> {
  const mailbox = await store.mail.getMailbox(owner.id, url.mailbox);
  if (!mailbox || (url.uidValidity !== null && url.uidValidity !== mailbox.uidValidity)) return null;
  const [row] = await store.mail.getMessages(mailbox.id, [[url.uid, url.uid]]);
  if (!row) return null;
  return { owner, mailbox, row, parsed: JSON.parse(row.metadata) as ParsedMessage };
}

/** The octets of BODY[section]<partial> the URL names, or null when the section does not exist. */
export async function urlBytes(store: Store, t: UrlTarget, url: ImapUrl, partial = true): Promise<Buffer | null> {
  const range = sectionRange(t.parsed, url.section);
  if (!range) return null;
  let { start, end } = range;
  if (partial && url.partial) {
    start = Math.min(end, start + url.partial.start);
    if (url.partial.length !== null) end = Math.min(end, start + url.partial.length);
  }
  return start >= end ? Buffer.alloc(0) : store.blobs.getRange(t.row.blobId, start, end);
}

/** RFC 5092 §6 / RFC 3501 §6.4.5: a partial range beyond the end is the empty string. */
export function cutPartial(data: Buffer, url: ImapUrl): Buffer {
  if (!url.partial) return data;
  const start = Math.min(data.length, url.partial.start);
  return data.subarray(start, url.partial.length === null ? data.length : Math.min(data.length, start + url.partial.length));
}

/** The MIME part a URL's section names (RFC 5524 BODYPARTSTRUCTURE / BINARY): the whole
 *  message body for no section, null for HEADER/TEXT/MIME sections or missing parts. */
export function urlPart(t: UrlTarget, url: ImapUrl): MimePart | null {
  if (url.section === '') return t.parsed.body;
  return findPart(t.parsed, url.section);
}
