/**
 * THREAD and UID THREAD (RFC 5256 §3): the SEARCH result threaded by REFERENCES or
 * ORDEREDSUBJECT (thread/). Message IDs, references, subjects and dates come from the
 * metadata parsed at delivery, read in batches for the matches only.
 */
import type { ParsedMessage } from '../../../mime/types.js';
import { no } from '../../../protocol/imap/errors.js';
import { readThreadArgs, type ThreadArgs } from '../../../protocol/imap/parse/thread.js';
import { runSearch } from '../search/run.js';
import { SelectedMailbox } from '../selected.js';
import { orderedSubject } from '../thread/orderedsubject.js';
import { referencesThreads } from '../thread/references.js';
import { formatThreads, threadMessage, type ThreadMessage } from '../thread/tree.js';
import { defineCommand, ok } from '../types.js';

const BATCH = 500;

export const thread = defineCommand({
  name: 'THREAD',
  states: ['selected'],
  uid: true,
  parse: (r): ThreadArgs => readThreadArgs(r),
  async handle(ctx, { algorithm, key }, { uid }) {
    if (ctx.state.kind !== 'selected') throw no('No mailbox selected');
    const sel = ctx.state.mailbox;
    const found = await runSearch(ctx, sel, key);
    const messages: ThreadMessage[] = [];
    for (let i = 0; i < found.length; i += BATCH) {
      const batch = found.slice(i, i + BATCH);
      const rows = new Map((await ctx.env.store.mail.getMessages(sel.id, SelectedMailbox.ranges(batch.map((f) => f.uid)))).map((r) => [r.uid, r]));
      for (const f of batch) {
        const row = rows.get(f.uid);
        if (!row) continue;
        const meta = JSON.parse(row.metadata) as ParsedMessage;
        messages.push(threadMessage(f.seq, f.uid, meta.subject, meta.sentDate ?? row.internalDate, meta.headers));
      }
    }
    const roots = algorithm === 'REFERENCES' ? referencesThreads(messages) : orderedSubject(messages);
    const body = formatThreads(roots, uid);
    ctx.untagged(body === '' ? 'THREAD' : `THREAD ${body}`);
    return ok('THREAD completed');
  },
});
