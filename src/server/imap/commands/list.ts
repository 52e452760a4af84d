/**
 * LIST (RFC 3501 §6.3.8, RFC 9051 §6.3.9) with LIST-EXTENDED (RFC 5258), SPECIAL-USE
 * (RFC 6154), CHILDREN (RFC 3348) and LIST-STATUS (RFC 5819). Attributes: \HasChildren /
 * \HasNoChildren always, \NonExistent + \Noselect for names that exist only as parents,
 * \Subscribed when asked (or selected by), special-use attributes always (as Dovecot does).
 */
import { readListArgs, type ListArgs } from '../../../protocol/imap/parse/args.js';
import { Out } from '../../../protocol/imap/writer.js';
import type { Mailbox } from '../../../store/types.js';
import { account, hasChildren, hierarchy, patternMatcher, statusResponse } from '../mailboxes.js';
import { defineCommand, ok, type Ctx } from '../types.js';

export const list = defineCommand({
  name: 'LIST',
  states: ['authenticated', 'selected'],
  parse: (r, ctx) => readListArgs(r, ctx.utf8),
  async handle(ctx, args) {
    await runList(ctx, args, 'LIST');
    return ok('LIST completed');
  },
});

export async function runList(ctx: Ctx, args: ListArgs, verb: 'LIST' | 'LSUB'): Promise<void> {
  const opts = { utf8: ctx.utf8 };
  // RFC 3501 §6.3.8: an empty pattern asks for the hierarchy delimiter and root.
  if (args.patterns.length === 1 && args.patterns[0] === '' && verb === 'LIST') {
    ctx.untagged('LIST (\\Noselect) "/" ""');
    return;
  }
  const boxes = await ctx.env.store.mail.listMailboxes(account(ctx).id);
  const all = hierarchy(boxes);
  const names = [...all.keys()];
  const matchers = args.patterns.map((p) => patternMatcher(args.reference + p));
  const subscribedOnly = verb === 'LSUB' || args.select.subscribed;
  const sorted = names.sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  const subscribed = boxes.filter((b) => b.subscribed).map((b) => b.name);
  for (const name of sorted) {
    if (!matchers.some((m) => m(name))) continue;
    const box = all.get(name) ?? null;
    if (verb === 'LSUB' && !box?.subscribed) {
      // RFC 3501 §6.3.9: with "%", a parent of subscribed names the pattern skips is listed \Noselect.
      const hidden = subscribed.some((n) => n.startsWith(name + '/') && !matchers.some((m) => m(n)));
      if (hidden && args.patterns.some((p) => p.includes('%'))) ctx.untagged(new Out().raw('LSUB (\\Noselect) "/" ').mailbox(name, opts));
      continue;
    }
    if (subscribedOnly && !box?.subscribed) continue;
    if (args.select.specialUse && !box?.specialUse) continue;
    const attrs = attributes(box, names, name, args, verb);
    const out = new Out().raw(`${verb} (${attrs.join(' ')}) "/" `).mailbox(name, opts);
    ctx.untagged(out);
    if (args.returns.status && box) ctx.untagged(await statusResponse(ctx, ctx.env.store.mail, box, args.returns.status));
  }
}

function attributes(box: Mailbox | null, names: string[], name: string, args: ListArgs, verb: 'LIST' | 'LSUB'): string[] {
  const attrs: string[] = [];
  if (!box) attrs.push(verb === 'LIST' && args.extended ? '\\NonExistent' : '\\Noselect');
  if (verb === 'LIST') attrs.push(hasChildren(names, name) ? '\\HasChildren' : '\\HasNoChildren');
  if (box?.subscribed && verb === 'LIST' && (args.returns.subscribed || args.select.subscribed)) attrs.push('\\Subscribed');
  if (box?.specialUse) attrs.push(box.specialUse);
  return attrs;
}
