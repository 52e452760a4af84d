/**
 * LIST (RFC 3501 §6.3.8, RFC 9051 §6.3.9) with LIST-EXTENDED (RFC 5258), SPECIAL-USE
 * (RFC 6154), CHILDREN (RFC 3348) and LIST-STATUS (RFC 5819). Attributes: \HasChildren /
 * \HasNoChildren always, \NonExistent + \Noselect for names that exist only as parents,
 * \Subscribed when asked (or selected by), special-use attributes always (as Dovecot does).
 * Subscriptions are names of their own: LIST (SUBSCRIBED) shows a subscribed name whose
 * mailbox is gone as \NonExistent \Subscribed (RFC 5258 §3.1); LSUB lists it with no
 * attributes (as Dovecot does).
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
  const mail = ctx.env.store.mail;
  const boxes = await mail.listMailboxes(account(ctx).id);
  const all = hierarchy(boxes);
  const names = [...all.keys()];
  const matchers = args.patterns.map((p) => patternMatcher(args.reference + p));
  const matched = (n: string) => matchers.some((m) => m(n));
  const subscribedOnly = verb === 'LSUB' || args.select.subscribed;
  // Subscriptions are names of their own: one may name no mailbox (RFC 3501 §6.3.6).
  const subs = new Set(subscribedOnly || args.returns.subscribed ? await mail.listSubscriptions(account(ctx).id) : []);
  const candidates = new Set(names);
  if (subscribedOnly) for (const n of subs) for (const a of [...ancestorsOf(n), n]) candidates.add(a);
  const sorted = [...candidates].sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  for (const name of sorted) {
    if (!matched(name)) continue;
    const box = all.get(name) ?? null;
    const sub = subs.has(name);
    if (verb === 'LSUB') {
      if (sub) ctx.untagged(new Out().raw('LSUB () "/" ').mailbox(name, opts));
      // RFC 3501 §6.3.9: with "%", a parent of subscribed names the pattern skips is listed \Noselect.
      else if (args.patterns.some((p) => p.includes('%')) && [...subs].some((n) => n.startsWith(name + '/') && !matched(n))) {
        ctx.untagged(new Out().raw('LSUB (\\Noselect) "/" ').mailbox(name, opts));
      }
      continue;
    }
    // RFC 5258 §3.5: RECURSIVEMATCH lists a parent of subscribed names the patterns do not
    // reach, with CHILDINFO (SUBSCRIBED).
    const childInfo = args.select.subscribed && args.select.recursiveMatch && [...subs].some((n) => n.startsWith(name + '/') && !matched(n));
    if (args.select.subscribed && !sub && !childInfo) continue;
    if (args.select.specialUse && !box?.specialUse) continue;
    const attrs = attributes(box, names, name, args, sub);
    const out = new Out().raw(`LIST (${attrs.join(' ')}) "/" `).mailbox(name, opts);
    if (childInfo) out.raw(' ("CHILDINFO" ("SUBSCRIBED"))');
    ctx.untagged(out);
    if (args.returns.status && box) ctx.untagged(await statusResponse(ctx, mail, box, args.returns.status));
  }
}

function ancestorsOf(name: string): string[] {
  const parts = name.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

function attributes(box: Mailbox | null, names: string[], name: string, args: ListArgs, subscribed: boolean): string[] {
  const attrs: string[] = [];
  if (!box) attrs.push(args.extended ? '\\NonExistent' : '\\Noselect');
  attrs.push(hasChildren(names, name) ? '\\HasChildren' : '\\HasNoChildren');
  if (subscribed && (args.returns.subscribed || args.select.subscribed)) attrs.push('\\Subscribed');
  if (box?.specialUse) attrs.push(box.specialUse);
  return attrs;
}
