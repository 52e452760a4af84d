/**
 * SORT and UID SORT (RFC 5256 §3, RFC 5957): the SEARCH result ordered by the criteria,
 * REVERSE per criterion, ties broken by sequence number (RFC 5256 §3: "in sequence number
 * order" also under REVERSE: sequence order is UID order, the store's last sort key).
 * The store orders by its summary columns (MailStore.sortUids), so no metadata is parsed.
 */
import { no } from '../../../protocol/imap/errors.js';
import { readSortArgs, type SortCriterion } from '../../../protocol/imap/parse/sort.js';
import type { SearchKey } from '../../../protocol/imap/parse/search.js';
import { runSearch } from '../search/run.js';
import { defineCommand, ok } from '../types.js';

export const sort = defineCommand({
  name: 'SORT',
  states: ['selected'],
  uid: true,
  parse: (r): { criteria: SortCriterion[]; key: SearchKey } => readSortArgs(r),
  async handle(ctx, { criteria, key }, { uid }) {
    if (ctx.state.kind !== 'selected') throw no('No mailbox selected');
    const sel = ctx.state.mailbox;
    const found = await runSearch(ctx, sel, key);
    // The store orders the whole mailbox (one statement returning UIDs); keep the matches.
    const matched = new Map(found.map((f) => [f.uid, f]));
    const order = await ctx.env.store.mail.sortUids(sel.id, criteria.map((c) => ({ key: c.key, reverse: c.reverse })));
    const present = order.flatMap((u) => matched.get(u) ?? []);
    ctx.untagged(`SORT${present.map((f) => ' ' + (uid ? f.uid : f.seq)).join('')}`);
    return ok('SORT completed');
  },
});
