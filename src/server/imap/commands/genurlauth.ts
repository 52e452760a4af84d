/**
 * GENURLAUTH (RFC 4467 §6.1): signs URL rumps of the session user's own mailboxes. Each
 * rump must be an absolute IMAP URL of this user naming an existing mailbox, end in
 * ";URLAUTH=access" and carry no token yet; the only mechanism is INTERNAL. All are checked
 * before any key is created, and the answer is one GENURLAUTH response with every URL.
 */
import { bad, no } from '../../../protocol/imap/errors.js';
import { parseImapUrl } from '../../../protocol/imap/url.js';
import { Out } from '../../../protocol/imap/writer.js';
import { account } from '../mailboxes.js';
import { generateUrl, MECHANISM } from '../urlauth.js';
import { sameUser } from '../urls.js';
import { defineCommand, ok } from '../types.js';

export const genurlauth = defineCommand({
  name: 'GENURLAUTH',
  states: ['authenticated', 'selected'],
  parse(r) {
    const pairs: Array<{ rump: string; mechanism: string }> = [];
    do {
      r.sp();
      const rump = r.astring('a URL');
      r.sp();
      pairs.push({ rump, mechanism: r.atom('a mechanism').toUpperCase() });
      if (pairs.length > 100) throw bad('Too many URLs', 'LIMIT');
    } while (!r.atEnd());
    return pairs;
  },
  async handle(ctx, pairs) {
    const acc = account(ctx);
    const boxes: number[] = [];
    for (const { rump, mechanism } of pairs) {
      if (mechanism !== MECHANISM) throw no(`Unknown URLAUTH mechanism ${mechanism}`);
      const url = parseImapUrl(rump);
      if (!url || url.rump !== rump || url.user === null || url.token !== null) throw no(`Invalid URLAUTH rump: ${rump}`, 'BADURL');
      if (!sameUser(url.user, url.host, acc)) throw no('URLAUTH is only for your own mailboxes', 'BADURL');
      const box = await ctx.env.store.mail.getMailbox(acc.id, url.mailbox);
      if (!box) throw no(`Mailbox does not exist: ${url.mailbox}`, 'BADURL');
      boxes.push(box.id);
    }
    const out = new Out().raw('GENURLAUTH');
    for (let i = 0; i < pairs.length; i++) out.raw(' ').astring(await generateUrl(ctx.env.store, acc, boxes[i], pairs[i].rump));
    ctx.untagged(out);
    return ok('GENURLAUTH completed');
  },
});
