/**
 * SETQUOTA (RFC 9208 §4.1.3). Limits are the operator's (`posthorn user add --quota`), not
 * the user's: a user who could raise their own limit would have none. So, like Dovecot for
 * users who are not quota admins, the command is understood — BAD for bad syntax, NO
 * [NONEXISTENT] for a root other than the account's "" — and refused with NO [NOPERM]; and
 * QUOTASET, which promises that SETQUOTA works (§4.1.3), is not advertised.
 */
import { no } from '../../../protocol/imap/errors.js';
import { defineCommand } from '../types.js';

export const setquota = defineCommand({
  name: 'SETQUOTA',
  states: ['authenticated', 'selected'],
  parse(r) {
    r.sp();
    const root = r.astring('a quota root');
    r.sp();
    // setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")"
    const limits = r.list(() => {
      const resource = r.atom('a resource name').toUpperCase();
      r.sp();
      return { resource, limit: r.number('a resource limit', Number.MAX_SAFE_INTEGER) };
    }, true, 20);
    r.end();
    return { root, limits };
  },
  async handle(_ctx, { root }) {
    if (root !== '') throw no('No such quota root', 'NONEXISTENT');
    throw no('Quota limits are set by the administrator', 'NOPERM');
  },
});
