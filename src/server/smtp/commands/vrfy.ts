/**
 * VRFY and EXPN (RFC 5321 §3.5): an unauthenticated client gets 252 (no address
 * harvesting, §3.5.3 and §7.3); an authenticated one the truth, from mta/ingest.
 */
import { ProtocolError } from '../../../lib/errors.js';
import type { SessionApi, SmtpCommand } from '../api.js';
import { ANY_STATE } from '../state.js';
import { domainOf } from '../../../lib/address.js';
import type { Resolution } from '../../../mta/ingest/types.js';

function addressOf(arg: string): string {
  const a = arg.trim().replace(/^<(.*)>$/, '$1');
  if (a === '') throw new ProtocolError(501, '5.5.4', 'syntax: VRFY <address>');
  return a;
}

function cannot(s: SessionApi, verb: string): boolean {
  if (s.auth) return false;
  s.reply(252, '2.5.0', `Cannot ${verb} user, but will accept message and attempt delivery`);
  return true;
}

/** The address as RCPT would see it; another domain's user cannot be verified here (252). */
async function resolve(s: SessionApi, address: string, verb: string): Promise<Resolution | null> {
  if (!(await s.opts.ingest.isLocalDomain(domainOf(address)))) {
    s.reply(252, '2.5.0', `Cannot ${verb} a user of another domain`);
    return null;
  }
  return s.opts.ingest.resolveRecipient(address, { mayRelay: false, sender: s.auth?.address ?? '' });
}

export const vrfy: SmtpCommand = {
  name: 'VRFY',
  states: ANY_STATE,
  async handle(s, arg) {
    const address = addressOf(arg);
    if (cannot(s, 'VRFY')) return;
    const r = await resolve(s, address, 'VRFY');
    if (!r) return;
    if (r.kind === 'forward') s.reply(251, '2.1.5', `User not local; will forward to <${r.to}>`);
    else s.reply(250, '2.1.5', `<${address}>`);
  },
};

export const expn: SmtpCommand = {
  name: 'EXPN',
  states: ANY_STATE,
  async handle(s, arg) {
    const address = addressOf(arg);
    if (cannot(s, 'EXPN')) return;
    const r = await resolve(s, address, 'EXPN');
    if (!r) return;
    const members = r.expansion.lists.flatMap((l) => l.list.members);
    if (r.kind === 'forward') s.reply(251, '2.1.5', `User not local; will forward to <${r.to}>`);
    else if (members.length > 0) s.reply(250, '2.1.5', members.map((m) => `<${m}>`));
    else s.reply(250, '2.1.5', `<${address}>`);
  },
};
