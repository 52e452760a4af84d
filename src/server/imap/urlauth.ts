/**
 * URLAUTH (RFC 4467): signing a URL rump with the mailbox access key (GENURLAUTH, §6.1)
 * and deciding whether a session may fetch a signed URL (URLFETCH, §6.3). The only
 * mechanism is INTERNAL (§7): the token is HMAC-SHA256 of the rump under the mailbox's
 * 256-bit random key, hex; RESETKEY deletes keys, which voids every URL signed with them.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Account, Store } from '../../store/types.js';
import type { ImapUrl } from '../../protocol/imap/url.js';
import { locate, sameUser, urlOwner, type UrlTarget } from './urls.js';

export const MECHANISM = 'INTERNAL';

function sign(key: string, rump: string): string {
  return createHmac('sha256', Buffer.from(key, 'hex')).update(rump, 'utf8').digest('hex');
}

/** RFC 4467 §6.1: the full URL for a rump of the session's own mailbox `mailboxId`. */
export async function generateUrl(store: Store, acc: Account, mailboxId: number, rump: string): Promise<string> {
  const key = await store.urlauth.getOrCreate(acc.id, mailboxId, randomBytes(32).toString('hex'));
  return `${rump}:${MECHANISM.toLowerCase()}:${sign(key, rump)}`;
}

/**
 * RFC 4467 §6.3 / §3: the message a signed URL names, when `session` may fetch it: the
 * token verifies under the owner's current key, the URL has not expired, and the access
 * identifier admits the session's user ("submit+" needs a submission role we do not grant
 * over IMAP). Null otherwise.
 */
export async function authorise(store: Store, session: Account, url: ImapUrl, now = Date.now()): Promise<UrlTarget | null> {
  if (url.rump === null || url.access === null || url.token === null || url.mechanism !== MECHANISM) return null;
  if (url.expire !== null && url.expire <= now) return null;
  const access = url.access.toLowerCase();
  if (access.startsWith('user+') && !sameUser(url.access.slice(5), url.host, session)) return null;
  if (access.startsWith('submit+')) return null;
  const owner = await urlOwner(store, url);
  if (!owner) return null;
  const t = await locate(store, owner, url);
  if (!t) return null;
  const key = await store.urlauth.get(t.mailbox.id);
  if (key === null) return null;
  const want = Buffer.from(sign(key, url.rump), 'latin1');
  const got = Buffer.from(url.token, 'latin1');
  return want.length === got.length && timingSafeEqual(want, got) ? t : null;
}
