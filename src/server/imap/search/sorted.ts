/**
 * Orders a search result by SORT criteria (RFC 5256 §3, RFC 5957): REVERSE per criterion,
 * ties broken by sequence number (RFC 5256 §3: "in sequence number order" also under
 * REVERSE: sequence order is UID order, the store's last sort key). The store orders the
 * whole mailbox by its summary columns (MailStore.sortUids), so no metadata is parsed.
 * Shared by SORT and the SORT contexts of RFC 5267 §4.
 */
import type { SortCriterion } from '../../../protocol/imap/parse/sort.js';
import type { SelectedMailbox } from '../selected.js';
import type { Ctx } from '../types.js';
import type { Found } from './run.js';

export async function sortFound(ctx: Ctx, sel: SelectedMailbox, found: Found[], criteria: SortCriterion[]): Promise<Found[]> {
  // One statement returning the mailbox's UIDs in order; keep the matches (found is in
  // ascending UID order: a binary search per UID, no map of 100,000 entries).
  const order = await ctx.env.store.mail.sortUids(sel.id, criteria.map((c) => ({ key: c.key, reverse: c.reverse })));
  const out: Found[] = [];
  for (const u of order) {
    let lo = 0;
    let hi = found.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = found[mid].uid;
      if (v === u) {
        out.push(found[mid]);
        break;
      }
      if (v < u) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  return out;
}
