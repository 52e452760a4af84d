/**
 * CREATE (RFC 3501 §6.3.3, RFC 9051 §6.3.4): a trailing separator only declares intent and is
 * dropped; missing parents are created by the store; INBOX and existing names get
 * [ALREADYEXISTS]; invalid names [CANNOT] (RFC 5530). CREATE-SPECIAL-USE (RFC 6154 §3) sets
 * one special-use attribute; others get [USEATTR].
 */
import { checkNewMailboxName, readMailbox, SEPARATOR } from '../../../protocol/imap/parse/args.js';
import { bad, no } from '../../../protocol/imap/errors.js';
import type { SpecialUse } from '../../../store/types.js';
import { account } from '../mailboxes.js';
import { defineCommand, ok } from '../types.js';

const SPECIAL_USES: SpecialUse[] = ['\\Drafts', '\\Sent', '\\Trash', '\\Junk', '\\Archive', '\\All', '\\Flagged'];

export const create = defineCommand({
  name: 'CREATE',
  states: ['authenticated', 'selected'],
  parse(r, ctx) {
    r.sp();
    let name = readMailbox(r, ctx.utf8);
    let use: string[] = [];
    // RFC 6154 §3 CREATE-SPECIAL-USE: SP "(" "USE" SP "(" use-attr *(SP use-attr) ")" ")"
    if (!r.atEnd()) {
      r.sp();
      r.expect('(');
      if (!r.eatWord('USE')) throw bad('Unknown CREATE parameter');
      r.sp();
      use = r.list(() => r.flag(), true, 10);
      r.expect(')');
    }
    r.end();
    if (name.endsWith(SEPARATOR)) name = name.slice(0, -1);
    return { name, use };
  },
  async handle(ctx, { name, use }) {
    checkNewMailboxName(name);
    if (use.length > 1) throw no('One special use per mailbox', 'USEATTR');
    const specialUse = use.length === 1 ? SPECIAL_USES.find((u) => u.toLowerCase() === use[0].toLowerCase()) : null;
    if (specialUse === undefined) throw no(`Unsupported special use ${use[0]}`, 'USEATTR');
    const id = account(ctx).id;
    if (await ctx.env.store.mail.getMailbox(id, name)) throw no('Mailbox already exists', 'ALREADYEXISTS');
    const box = await ctx.env.store.mail.createMailbox(id, name, { specialUse });
    await ctx.env.bus.publish({ type: 'mailbox', accountId: id, mailboxId: box.id, change: 'created', name: box.name });
    return ok('CREATE completed');
  },
});
