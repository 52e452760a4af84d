/**
 * SORT and UID SORT (RFC 5256 §3, RFC 5957): the SEARCH result ordered by the criteria
 * (search/sorted.ts: the store orders by its summary columns, MailStore.sortUids). With RETURN options the answer is an ESEARCH response (RFC 5267 §3
 * ESORT, §4.4 PARTIAL), and RETURN (UPDATE) keeps the result as a context whose changes are
 * reported as they happen (RFC 5267 §4, contexts.ts). A MODSEQ criterion adds the highest
 * mod-sequence of the returned messages (RFC 7162 §3.1.5).
 */
import { no } from '../../../protocol/imap/errors.js';
import { readSortArgs, type SortArgs } from '../../../protocol/imap/parse/sort.js';
import { addContext } from '../contexts.js';
import { enableCondstore } from '../condstore.js';
import { esearchLine, returnedModseq } from '../search/esearch.js';
import { usesModseq } from '../search/evaluate.js';
import { runSearch } from '../search/run.js';
import { sortFound } from '../search/sorted.js';
import { defineCommand, ok } from '../types.js';

export const sort = defineCommand({
  name: 'SORT',
  states: ['selected'],
  uid: true,
  parse: (r): SortArgs => readSortArgs(r),
  async handle(ctx, { criteria, key, returns }, { tag, uid }) {
    if (ctx.state.kind !== 'selected') throw no('No mailbox selected');
    const sel = ctx.state.mailbox;
    if (usesModseq(key)) enableCondstore(ctx);
    const present = await sortFound(ctx, sel, await runSearch(ctx, sel, key), criteria);
    const nums = present.map((f) => (uid ? f.uid : f.seq));
    // RFC 7162 §3.1.5: with a MODSEQ criterion the answer carries the highest mod-sequence returned.
    const modseq = returnedModseq(key, present, returns?.options ?? null, returns?.partial ?? null);
    if (!returns) {
      ctx.untagged(`SORT${nums.map((n) => ' ' + n).join('')}${modseq !== null ? ` (MODSEQ ${modseq})` : ''}`);
      return ok('SORT completed');
    }
    if (returns.options.includes('UPDATE')) addContext(ctx, sel, { tag, uid, key, criteria, result: present.map((f) => f.uid) });
    // RFC 5182 §2.4 with RFC 5267 §3: SAVE keeps the matches; alone it answers nothing.
    if (returns.options.includes('SAVE')) ctx.savedSearch = present.map((f) => f.uid).sort((a, b) => a - b);
    if (!(returns.options.length === 1 && returns.options[0] === 'SAVE')) ctx.untagged(esearchLine(tag, uid, nums, returns.options, returns.partial, modseq));
    return ok('SORT completed');
  },
});
