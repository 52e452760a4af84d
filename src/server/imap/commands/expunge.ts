/** EXPUNGE (RFC 3501 §6.4.3, RFC 9051 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1). */
import { no } from '../../../protocol/imap/errors.js';
import { readSeqSet, type SeqSet } from '../../../protocol/imap/seqset.js';
import { publish, reportExpunged } from '../expunging.js';
import { SelectedMailbox } from '../selected.js';
import { defineCommand, ok } from '../types.js';

export const expunge = defineCommand({
  name: 'EXPUNGE',
  states: ['selected'],
  uid: true,
  parse(r, ctx): SeqSet | null {
    void ctx;
    if (r.atEnd()) return null;
    r.sp();
    const set = readSeqSet(r);
    r.end();
    return set;
  },
  async handle(ctx, set, { uid }) {
    if (ctx.state.kind !== 'selected') throw no('No mailbox selected');
    const sel = ctx.state.mailbox;
    if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
    if (uid && !set) throw no('UID EXPUNGE needs a UID set');
    const ranges = set ? SelectedMailbox.ranges(sel.resolve(set, true, ctx.savedSearch)) : undefined;
    if (ranges && ranges.length === 0) return ok('EXPUNGE completed');
    const gone = await ctx.env.store.mail.expunge(sel.id, ranges);
    await reportExpunged(ctx, sel, gone);
    await publish(ctx, sel, 'expunge', gone);
    return ok('EXPUNGE completed');
  },
});
