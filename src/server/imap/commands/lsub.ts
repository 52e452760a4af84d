/** LSUB (RFC 3501 §6.3.9; deprecated by RFC 9051 but kept for rev1 clients): subscribed names. */
import { readListArgs } from '../../../protocol/imap/parse/args.js';
import { bad } from '../../../protocol/imap/errors.js';
import { defineCommand, ok } from '../types.js';
import { runList } from './list.js';

export const lsub = defineCommand({
  name: 'LSUB',
  states: ['authenticated', 'selected'],
  parse(r, ctx) {
    const args = readListArgs(r, ctx.utf8);
    if (args.extended) throw bad('LSUB takes a reference and one pattern');
    return args;
  },
  async handle(ctx, args) {
    await runList(ctx, args, 'LSUB');
    return ok('LSUB completed');
  },
});
