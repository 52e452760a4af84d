/** GETQUOTA (RFC 9208 §4.2): the account's one quota root is "". */
import { no } from '../../../protocol/imap/errors.js';
import { quotaLine } from '../quota.js';
import { defineCommand, ok } from '../types.js';

export const getquota = defineCommand({
  name: 'GETQUOTA',
  states: ['authenticated', 'selected'],
  parse(r) {
    r.sp();
    const root = r.astring('a quota root');
    r.end();
    return root;
  },
  async handle(ctx, root) {
    if (root !== '') throw no('No such quota root', 'NONEXISTENT');
    ctx.untagged(await quotaLine(ctx));
    return ok('GETQUOTA completed');
  },
});
