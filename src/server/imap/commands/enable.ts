/**
 * ENABLE (RFC 5161; RFC 9051 §6.3.1): switches on CONDSTORE, QRESYNC (which implies
 * CONDSTORE, RFC 7162 §3.2.3), UTF8=ACCEPT (RFC 6855 §3) and IMAP4rev2. Unknown names are
 * ignored; the untagged ENABLED lists only what this command newly enabled.
 */
import { enableCondstore } from '../condstore.js';
import { defineCommand, ok } from '../types.js';

const KNOWN = new Set(['CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT', 'IMAP4REV2']);

export const enable = defineCommand({
  name: 'ENABLE',
  // RFC 5161 §3.1 / RFC 9051 §6.3.1: valid only in the authenticated state.
  states: ['authenticated'],
  parse(r) {
    const names: string[] = [];
    do {
      r.sp();
      names.push(r.atom('a capability name'));
    } while (!r.atEnd());
    return names;
  },
  async handle(ctx, names) {
    const now: string[] = [];
    for (const n of names) {
      const up = n.toUpperCase();
      if (!KNOWN.has(up) || ctx.enabled.has(up)) continue;
      now.push(n);
      if (up === 'CONDSTORE' || up === 'QRESYNC') enableCondstore(ctx);
      ctx.enabled.add(up);
    }
    ctx.untagged(`ENABLED${now.map((n) => ' ' + n).join('')}`);
    return ok('ENABLE completed');
  },
});
