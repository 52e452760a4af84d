/**
 * CATENATE (RFC 4469): the message APPEND stores is the concatenation of TEXT literals and
 * the octets of IMAP URLs (§3). A URL may name the session user's own messages (relative,
 * or absolute with this user), or carry a URLAUTH token the user may fetch (RFC 4467). A URL
 * that cannot be used fails the whole APPEND with NO [BADURL url] (§4); the running size is
 * checked against APPENDLIMIT as parts are added, so a huge result is refused early with
 * [TOOBIG] (§3, RFC 7889).
 */
import { no } from '../../protocol/imap/errors.js';
import type { CatenatePart } from '../../protocol/imap/parse/catenate.js';
import { parseImapUrl } from '../../protocol/imap/url.js';
import { account } from './mailboxes.js';
import { authorise } from './urlauth.js';
import { locate, sameUser, urlBytes } from './urls.js';
import type { Ctx } from './types.js';

async function urlData(ctx: Ctx, text: string): Promise<Buffer | null> {
  const url = parseImapUrl(text);
  if (!url) return null;
  const store = ctx.env.store;
  const acc = account(ctx);
  if (url.access !== null) {
    const t = await authorise(store, acc, url);
    return t ? urlBytes(store, t, url) : null;
  }
  if (url.user !== null && !sameUser(url.user, url.host, acc)) return null;
  const t = await locate(store, acc, url);
  return t ? urlBytes(store, t, url) : null;
}

/** RFC 4469 §5 url-resp-text: text without "]" or line ends. */
function respText(url: string): string {
  return url.replace(/[\]\r\n\0]/g, '?').slice(0, 1000);
}

/** The joined message; `binary` when a literal8 part may have brought NUL octets. */
export async function catenate(ctx: Ctx, parts: CatenatePart[]): Promise<{ data: Buffer; binary: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let binary = false;
  for (const p of parts) {
    let data: Buffer | null;
    if (p.kind === 'text') {
      data = p.data;
      binary ||= p.binary;
    } else {
      data = await urlData(ctx, p.url);
      if (data === null) throw no(`Cannot use URL ${p.url}`, `BADURL ${respText(p.url)}`);
    }
    size += data.length;
    if (size > ctx.env.appendLimit) throw no('Message is larger than APPENDLIMIT', 'TOOBIG');
    chunks.push(data);
  }
  return { data: Buffer.concat(chunks), binary };
}
