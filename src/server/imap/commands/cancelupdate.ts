/**
 * CANCELUPDATE (RFC 5267 §4.5): tag-string *(SP tag-string). Ends the named contexts; a tag
 * that names none is refused with NO and nothing is cancelled (as Dovecot answers).
 */
import { no } from '../../../protocol/imap/errors.js';
import { cancelContexts } from '../contexts.js';
import { defineCommand, ok } from '../types.js';

export const cancelupdate = defineCommand({
  name: 'CANCELUPDATE',
  states: ['selected'],
  parse(r): string[] {
    const tags: string[] = [];
    do {
      r.sp();
      tags.push(r.string());
    } while (!r.atEnd() && tags.length < 100);
    r.end();
    return tags;
  },
  async handle(ctx, tags) {
    if (ctx.state.kind !== 'selected') throw no('No mailbox selected');
    if (!cancelContexts(ctx.state.mailbox, tags)) throw no('Unknown tag');
    return ok('Updates cancelled');
  },
});
