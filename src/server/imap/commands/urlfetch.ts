/**
 * URLFETCH (RFC 4467 §6.3) with URLAUTH=BINARY (RFC 5524 §4): fetches URLAUTH-signed URLs.
 * A URL that does not verify, has expired, names something missing or is not for this user
 * is answered NIL — never an error, so a forged URL learns nothing. The extended form
 * "(url BODY|BINARY|BODYPARTSTRUCTURE …)" answers one parenthesised item per request,
 * BODYPARTSTRUCTURE first (as Dovecot); BINARY of an unknown transfer encoding is NIL.
 */
import { bad, ImapError } from '../../../protocol/imap/errors.js';
import { writeBodyStructure } from '../../../protocol/imap/structure.js';
import { parseImapUrl } from '../../../protocol/imap/url.js';
import { Out } from '../../../protocol/imap/writer.js';
import { decodeTransfer } from '../fetch/sections.js';
import { account } from '../mailboxes.js';
import { authorise } from '../urlauth.js';
import { cutPartial, urlBytes, urlPart, type UrlTarget } from '../urls.js';
import { defineCommand, ok, type Ctx } from '../types.js';
import type { ImapUrl } from '../../../protocol/imap/url.js';
import type { MimePart } from '../../../mime/types.js';

type Param = 'BODY' | 'BINARY' | 'BODYPARTSTRUCTURE';
interface Request { url: string; params: Param[] | null }

export const urlfetch = defineCommand({
  name: 'URLFETCH',
  states: ['authenticated', 'selected'],
  parse(r) {
    const reqs: Request[] = [];
    do {
      r.sp();
      if (r.eat('(')) {
        const url = r.astring('a URL');
        const params: Param[] = [];
        while (r.eat(' ')) {
          const p = r.atom('a URLFETCH parameter').toUpperCase();
          if (p !== 'BODY' && p !== 'BINARY' && p !== 'BODYPARTSTRUCTURE') throw bad(`Unknown URLFETCH parameter ${p}`);
          if (!params.includes(p)) params.push(p);
        }
        r.expect(')');
        if (params.includes('BODY') && params.includes('BINARY')) throw bad('BODY and BINARY exclude each other');
        reqs.push({ url, params });
      } else reqs.push({ url: r.astring('a URL'), params: null });
      if (reqs.length > 100) throw bad('Too many URLs', 'LIMIT');
    } while (!r.atEnd());
    return reqs;
  },
  async handle(ctx, reqs) {
    const out = new Out().raw('URLFETCH');
    for (const req of reqs) {
      const url = parseImapUrl(req.url);
      const t = url ? await authorise(ctx.env.store, account(ctx), url) : null;
      out.raw(' ').astring(req.url, ctx);
      if (!url || !t) out.raw(' NIL');
      else if (req.params === null) out.raw(' ').nstring(await urlBytes(ctx.env.store, t, url), ctx);
      else await writeItems(ctx, out, t, url, req.params);
    }
    ctx.untagged(out);
    return ok('URLFETCH completed');
  },
});

async function writeItems(ctx: Ctx, out: Out, t: UrlTarget, url: ImapUrl, params: Param[]): Promise<void> {
  let part = urlPart(t, url);
  const binary = params.includes('BINARY') ? await decoded(ctx, t, url, part) : undefined;
  if (params.includes('BODYPARTSTRUCTURE')) {
    // RFC 5524 §4.3: with BINARY the structure describes the data returned — decoded, so
    // its encoding is 7bit/8bit/binary and its size the decoded size (lines as Dovecot: 0).
    if (part && binary && part.type !== 'multipart' && part.type !== 'message') {
      const encoding = binary.includes(0) ? 'binary' : binary.some((c) => c >= 0x80) ? '8bit' : '7bit';
      part = { ...part, encoding, size: binary.length, lines: 0 };
    }
    out.raw(' (BODYPARTSTRUCTURE ');
    if (part) writeBodyStructure(out, part, true, ctx);
    else out.raw('NIL');
    out.raw(')');
  }
  if (params.includes('BODY')) out.raw(' (BODY ').nstring(await urlBytes(ctx.env.store, t, url), ctx).raw(')');
  if (binary !== undefined) {
    out.raw(' (BINARY ');
    if (binary === null) out.raw('NIL');
    else out.literal(binary, binary.includes(0));
    out.raw(')');
  }
}

/** RFC 5524 §4: the content with its transfer encoding removed, then the partial range cut;
 *  null when the encoding is unknown (RFC 3516's UNKNOWN-CTE has no place in URLFETCH). */
async function decoded(ctx: Ctx, t: UrlTarget, url: ImapUrl, part: MimePart | null): Promise<Buffer | null> {
  let data = await urlBytes(ctx.env.store, t, url, false);
  if (data && part && url.section !== '' && !/(HEADER|TEXT|MIME)$/.test(url.section)) {
    try {
      data = decodeTransfer(part, data);
    } catch (e) {
      if (!(e instanceof ImapError)) throw e;
      return null;
    }
  }
  return data && cutPartial(data, url);
}
