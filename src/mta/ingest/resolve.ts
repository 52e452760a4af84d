/**
 * Recipient resolution: one RCPT address → accounts, remote addresses and lists.
 * Order of look-ups for an address in a local domain: exact (account, alias, forward,
 * list), then without its +tag (`user+tag@` → `user@`), then `list-bounces@` (to the
 * list's owner), then the domain's catch-all (alias source '@domain').
 * Aliases and forwards expand recursively; an address seen twice is not expanded again
 * and the depth is bounded, so loops end (RFC 5321 §3.9.1); a loop that leads nowhere is
 * 550 5.4.6. Other domains are relayed only when the session may relay (554 5.7.1).
 */
import { ProtocolError } from '../../lib/errors.js';
import { canonicalAddress, canonicalDomain, parseAddress } from '../../lib/address.js';
import type { Directory, LocalTarget, MailingList } from '../../store/types.js';
import type { Expansion, RecipientContext, Resolution } from './types.js';

const MAX_DEPTH = 20;

/** Exact, +tag-less, list-bounces, then catch-all look-up of a local address. */
export async function lookupLocal(dir: Directory, address: string): Promise<LocalTarget | null> {
  const exact = await dir.lookup(address);
  if (exact) return exact;
  const p = parseAddress(address);
  if (!p) return null;
  const plus = p.local.indexOf('+');
  const base = plus > 0 ? p.local.slice(0, plus) : p.local;
  if (plus > 0) {
    const t = await dir.lookup(`${base}@${p.domain}`);
    if (t) return t;
  }
  const bounces = /^(.+)-bounces$/i.exec(base);
  if (bounces) {
    const list = await dir.getList(`${bounces[1]}@${p.domain}`);
    if (list) return { kind: 'alias', targets: [list.owner] };
  }
  return dir.lookup(`@${p.domain}`);
}

export async function isLocal(dir: Directory, address: string): Promise<boolean> {
  const p = parseAddress(address);
  const d = p ? canonicalDomain(p.domain) : null;
  return d !== null && (await dir.isLocalDomain(d));
}

/** RFC 5321 §4.5.1: `<postmaster>` without a domain is our postmaster — the one of the
 *  server's own name if that is a local domain, else of the first local domain that has one. */
async function postmaster(dir: Directory, hostname: string): Promise<string> {
  for (const d of [hostname, ...(await dir.listDomains()).map((x) => x.name)]) {
    const a = `postmaster@${d}`;
    if ((await isLocal(dir, a)) && (await lookupLocal(dir, a))) return a;
  }
  throw new ProtocolError(550, '5.1.1', 'No postmaster mailbox is configured here');
}

export async function resolveRecipient(dir: Directory, address: string, ctx: RecipientContext, hostname = 'localhost'): Promise<Resolution> {
  if (address.toLowerCase() === 'postmaster') address = await postmaster(dir, hostname);
  if (!parseAddress(address)) throw new ProtocolError(501, '5.1.3', `Bad recipient address syntax <${address}>`);
  if (!(await isLocal(dir, address))) {
    // RFC 5321 §3.6.2, §7.1: never an open relay
    if (!ctx.mayRelay) throw new ProtocolError(554, '5.7.1', `Relaying denied: <${address}> is not in a domain of ours`);
    return { kind: 'remote', expansion: { accounts: [], remote: [address], lists: [] } };
  }
  const top = await lookupLocal(dir, address);
  if (!top) throw new ProtocolError(550, '5.1.1', `<${address}>: no such user here`);
  const exp: Expansion = { accounts: [], remote: [], lists: [] };
  await expand(dir, top, exp, new Set([canonicalAddress(address) ?? address]), 0, ctx.sender);
  if (exp.accounts.length === 0 && exp.remote.length === 0 && exp.lists.length === 0) {
    throw new ProtocolError(550, '5.4.6', `<${address}>: alias loop, nowhere to deliver`);
  }
  if (top.kind === 'forward') return { kind: 'forward', to: top.to, expansion: exp };
  return { kind: 'local', expansion: exp };
}

async function expand(dir: Directory, t: LocalTarget, exp: Expansion, seen: Set<string>, depth: number, sender: string): Promise<void> {
  if (depth > MAX_DEPTH) return;
  switch (t.kind) {
    case 'account':
      if (!exp.accounts.includes(t.account.id)) exp.accounts.push(t.account.id);
      return;
    case 'alias':
      for (const a of t.targets) await expandAddress(dir, a, exp, seen, depth, sender);
      return;
    case 'forward':
      await expandAddress(dir, t.to, exp, seen, depth, sender);
      return;
    case 'list': {
      checkPosting(t.list, sender);
      const members: Expansion = { accounts: [], remote: [], lists: [] };
      // members are expanded without the posting check of nested lists: the list posts
      for (const m of t.list.members) await expandAddress(dir, m, members, seen, depth, `${t.list.address}`);
      exp.lists.push({ list: t.list, accounts: members.accounts, remote: members.remote }, ...members.lists);
      return;
    }
  }
}

async function expandAddress(dir: Directory, address: string, exp: Expansion, seen: Set<string>, depth: number, sender: string): Promise<void> {
  const key = canonicalAddress(address) ?? address.toLowerCase();
  if (seen.has(key)) return;
  seen.add(key);
  if (!(await isLocal(dir, address))) {
    if (!exp.remote.some((r) => (canonicalAddress(r) ?? r) === key)) exp.remote.push(address);
    return;
  }
  const t = await lookupLocal(dir, address);
  if (t) await expand(dir, t, exp, seen, depth + 1, sender);
}

/** Posting policy of a list: members (or the owner), anyone, or the owner only (moderated). */
function checkPosting(list: MailingList, sender: string): void {
  if (list.posting === 'anyone' && sender !== '') return;
  const s = canonicalAddress(sender);
  const owner = canonicalAddress(list.owner);
  if (s !== null && s === owner) return;
  if (list.posting === 'members' && s !== null && list.members.some((m) => canonicalAddress(m) === s)) return;
  const why = list.posting === 'moderated' ? 'is moderated: only its owner may post' : 'accepts posts from its members only';
  throw new ProtocolError(550, '5.7.1', `List <${list.address}> ${why}`);
}

/** Does `address` belong to the account: its own address (any +tag) or an alias leading to it? */
export async function senderBelongsTo(dir: Directory, accountId: number, address: string): Promise<boolean> {
  const account = await dir.getAccountById(accountId);
  const p = parseAddress(address);
  if (!account || !p) return false;
  const plus = p.local.indexOf('+');
  const base = plus > 0 ? `${p.local.slice(0, plus)}@${p.domain}` : address;
  const key = canonicalAddress(base);
  if (key !== null && key === canonicalAddress(account.address)) return true;
  const t = (await dir.lookup(address)) ?? (await dir.lookup(base));
  if (!t || t.kind === 'list' || t.kind === 'forward') return false;
  const exp: Expansion = { accounts: [], remote: [], lists: [] };
  await expand(dir, t, exp, new Set([key ?? base]), 0, '');
  return exp.accounts.includes(accountId);
}
