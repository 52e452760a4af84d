/**
 * Orders a search result by SORT criteria (RFC 5256 §3, RFC 5957): REVERSE per criterion,
 * ties broken by sequence number (RFC 5256 §3: "in sequence number order" also under
 * REVERSE). Metadata rows are read in batches for the matches only. Shared by SORT and the
 * SORT contexts of RFC 5267 §4.
 */
import type { ParsedMessage } from '../../../mime/types.js';
import type { SortCriterion } from '../../../protocol/imap/parse/sort.js';
import { SelectedMailbox } from '../selected.js';
import type { Ctx } from '../types.js';
import type { Found } from './run.js';
import { compareValues, sortValue, type SortValue } from './sort-keys.js';

const BATCH = 500;

export async function sortFound(ctx: Ctx, sel: SelectedMailbox, found: Found[], criteria: SortCriterion[]): Promise<Found[]> {
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
  return present;
}
