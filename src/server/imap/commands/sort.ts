/**
 * SORT and UID SORT (RFC 5256 §3, RFC 5957): the SEARCH result ordered by the criteria,
 * REVERSE per criterion, ties broken by sequence number (RFC 5256 §3: "in sequence number
 * order" also under REVERSE). Metadata rows are read in batches for the matches only.
 */
import type { ParsedMessage } from '../../../mime/types.js';
import { no } from '../../../protocol/imap/errors.js';
import { readSortArgs, type SortCriterion } from '../../../protocol/imap/parse/sort.js';
import type { SearchKey } from '../../../protocol/imap/parse/search.js';
import { runSearch } from '../search/run.js';
import { compareValues, sortValue, type SortValue } from '../search/sort-keys.js';
import { SelectedMailbox } from '../selected.js';
import { defineCommand, ok } from '../types.js';

const BATCH = 500;

export const sort = defineCommand({
  name: 'SORT',
  states: ['selected'],
  uid: true,
  parse: (r): { criteria: SortCriterion[]; key: SearchKey } => readSortArgs(r),
  async handle(ctx, { criteria, key }, { uid }) {
    if (ctx.state.kind !== 'selected') throw no('No mailbox selected');
    const sel = ctx.state.mailbox;
    const found = await runSearch(ctx, sel, key);
    const values = new Map<number, SortValue[]>();
    for (let i = 0; i < found.length; i += BATCH) {
      const batch = found.slice(i, i + BATCH).map((f) => f.uid);
      for (const row of await ctx.env.store.mail.getMessages(sel.id, SelectedMailbox.ranges(batch))) {
        const meta = JSON.parse(row.metadata) as ParsedMessage;
        values.set(row.uid, criteria.map((c) => sortValue(c.key, row, meta)));
      }
    }
    const present = found.filter((f) => values.has(f.uid));
    present.sort((a, b) => {
      const va = values.get(a.uid) as SortValue[];
      const vb = values.get(b.uid) as SortValue[];
      for (let i = 0; i < criteria.length; i++) {
        const c = compareValues(va[i], vb[i]);
        if (c !== 0) return criteria[i].reverse ? -c : c;
      }
      return a.seq - b.seq;
    });
    ctx.untagged(`SORT${present.map((f) => ' ' + (uid ? f.uid : f.seq)).join('')}`);
    return ok('SORT completed');
  },
});
