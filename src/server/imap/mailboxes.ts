/**
 * Mailbox helpers shared by the mailbox commands: the session's account, look-ups that
 * answer NO [NONEXISTENT] (RFC 5530), LIST pattern matching (RFC 3501 §6.3.8: "*" matches
 * any characters, "%" any but the hierarchy separator; INBOX case-insensitively), and the
 * STATUS response (RFC 3501 §7.2.4).
 */
import type { Account, Mailbox, MailStore } from '../../store/types.js';
import { no } from '../../protocol/imap/errors.js';
import { Out } from '../../protocol/imap/writer.js';
import { readMailbox, type StatusItem } from '../../protocol/imap/parse/args.js';
import type { Reader } from '../../protocol/imap/reader.js';
import type { Ctx } from './types.js';

/** The argument grammar of commands that take exactly one mailbox name (DELETE, SUBSCRIBE…). */
export function parseOneMailbox(r: Reader, ctx: Ctx): string {
  r.sp();
  const name = readMailbox(r, ctx.utf8);
  r.end();
  return name;
}

export function account(ctx: Ctx): Account {
  if (ctx.state.kind === 'authenticated' || ctx.state.kind === 'selected') return ctx.state.account;
  throw no('Not authenticated');
}

export async function requireMailbox(ctx: Ctx, name: string, code = 'NONEXISTENT'): Promise<Mailbox> {
  const box = await ctx.env.store.mail.getMailbox(account(ctx).id, name);
  if (!box) throw no(`Mailbox does not exist: ${name}`, code);
  return box;
}

/** RFC 3501 §6.3.8 pattern as a matcher over full mailbox names. INBOX is matched
 *  case-insensitively (RFC 3501 §5.1), so names under INBOX are tested ignoring case. */
export function patternMatcher(pattern: string): (name: string) => boolean {
  let src = '';
  for (const ch of pattern) {
    if (ch === '*') src += '.*';
    else if (ch === '%') src += '[^/]*';
    else src += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const exact = new RegExp(`^${src}$`, 's');
  const folded = new RegExp(`^${src}$`, 'is');
  return (name) => exact.test(name) || ((name === 'INBOX' || name.startsWith('INBOX/')) && folded.test(name));
}

/** Every name in the hierarchy, with the names that exist only as parents of others. */
export function hierarchy(boxes: Mailbox[]): Map<string, Mailbox | null> {
  const out = new Map<string, Mailbox | null>();
  for (const b of boxes) out.set(b.name, b);
  for (const b of boxes) {
    const parts = b.name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (!out.has(parent)) out.set(parent, null);
    }
  }
  return out;
}

export function hasChildren(names: Iterable<string>, name: string): boolean {
  const prefix = name + '/';
  for (const n of names) if (n.startsWith(prefix)) return true;
  return false;
}

/** STATUS items in request order (RFC 3501 §6.3.10, RFC 9051 §6.3.11, RFC 7162 §3.1.9, RFC 9208 §4.1.4). */
export async function statusResponse(ctx: Ctx, mail: MailStore, box: Mailbox, items: StatusItem[]): Promise<Out> {
  const s = await mail.status(box.id);
  // RFC 3501 §2.3.2: the session with the mailbox selected has its own \Recent set; for any
  // other, the messages no session has claimed yet
  const sel = ctx.state.kind === 'selected' && ctx.state.mailbox.id === box.id ? ctx.state.mailbox : null;
  const values: Record<StatusItem, number> = {
    MESSAGES: s.messages, RECENT: sel ? sel.recent.size : s.unclaimed, UIDNEXT: s.uidNext, UIDVALIDITY: s.uidValidity, UNSEEN: s.unseen,
    DELETED: s.deleted, SIZE: s.size, HIGHESTMODSEQ: s.highestModseq, APPENDLIMIT: ctx.env.appendLimit,
    // RFC 9208 §4.1.4: in units of 1024 octets, as the STORAGE resource (§5.1)
    'DELETED-STORAGE': Math.ceil(s.deletedSize / 1024),
  };
  const out = new Out().raw('STATUS ').mailbox(box.name, { utf8: ctx.utf8 }).raw(' (');
  out.raw(items.map((i) => `${i} ${values[i]}`).join(' ')).raw(')');
  return out;
}
