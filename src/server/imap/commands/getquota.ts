/** GETQUOTA (RFC 9208 §4.2): an account with a limit has one quota root, "". */
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
    const line = root === '' ? await quotaLine(ctx) : null;
    if (line === null) throw no('No such quota root', 'NONEXISTENT');
    ctx.untagged(line);
    return ok('GETQUOTA completed');
  },
});
