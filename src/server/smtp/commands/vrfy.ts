/**
 * VRFY and EXPN (RFC 5321 §3.5): an unauthenticated client gets 252 (no address
 * harvesting, §3.5.3 and §7.3); an authenticated one the truth, from mta/ingest.
 */
import { ProtocolError } from '../../../lib/errors.js';
import type { SessionApi, SmtpCommand } from '../api.js';
import { ANY_STATE } from '../state.js';

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

export const vrfy: SmtpCommand = {
  name: 'VRFY',
  states: ANY_STATE,
  async handle(s, arg) {
    const address = addressOf(arg);
    if (cannot(s, 'VRFY')) return;
    const r = await s.opts.ingest.resolveRecipient(address, { mayRelay: false, sender: s.auth?.address ?? '' });
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
    const r = await s.opts.ingest.resolveRecipient(address, { mayRelay: false, sender: s.auth?.address ?? '' });
    const members = r.expansion.lists.flatMap((l) => l.list.members);
    if (r.kind === 'forward') s.reply(251, '2.1.5', `User not local; will forward to <${r.to}>`);
    else if (members.length > 0) s.reply(250, '2.1.5', members.map((m) => `<${m}>`));
    else s.reply(250, '2.1.5', `<${address}>`);
  },
};
