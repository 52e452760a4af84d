/**
 * The ESEARCH response (RFC 4731 §3.1) for SEARCH and, under ESORT, SORT (RFC 5267 §3): MIN
 * and MAX are the first and last of the result in its order (ascending for SEARCH, the sort
 * order for SORT, as Dovecot answers), ALL the result as a sequence set in that order
 * (ranges only for ascending runs, RFC 5267 §3.2), COUNT its size, PARTIAL the window of
 * positions low:high (RFC 5267 §4.4, NIL when the window is past the end), or counted from
 * the end for -low:-high (RFC 9394 §3.1). Empty MIN, MAX
 * and ALL are left out.
 */
import { partialWindow, type PartialRange, type ReturnOption } from '../../../protocol/imap/parse/return-opts.js';
import type { SearchKey } from '../../../protocol/imap/parse/search.js';
import { formatSet } from '../../../protocol/imap/seqset.js';
import { usesModseq } from './evaluate.js';
import type { Found } from './run.js';

/**
 * RFC 7162 §3.1.5: when the criteria include MODSEQ, a SEARCH, SORT or ESEARCH answer
 * carries the highest mod-sequence of the messages it returns (null: none, or no MODSEQ
 * key). With neither ALL nor COUNT asked (RFC 4731 §3.2), only the messages MIN, MAX and
 * PARTIAL return count; `found` is in result order.
 */
export function returnedModseq(key: SearchKey, found: Found[], options: ReturnOption[] | null, partial: PartialRange | null): number | null {
  if (!usesModseq(key) || found.length === 0) return null;
  const opts = options === null || options.length === 0 ? ['ALL'] : options;
  let returned = found;
  if (!opts.includes('ALL') && !opts.includes('COUNT')) {
    returned = [
      ...(opts.includes('MIN') ? [found[0]] : []),
      ...(opts.includes('MAX') ? [found[found.length - 1]] : []),
      ...(partial ? partialWindow(found, partial) : []),
    ];
  }
  let max = 0;
  for (const f of returned) if (f.modseq > max) max = f.modseq;
  return returned.length > 0 ? max : null;
}

export function esearchLine(tag: string, uid: boolean, nums: number[], options: ReturnOption[], partial: PartialRange | null, modseq: number | null): string {
  const opts = options.length === 0 ? ['ALL'] : options;
  let line = `ESEARCH (TAG "${tag}")${uid ? ' UID' : ''}`;
  if (opts.includes('MIN') && nums.length > 0) line += ` MIN ${nums[0]}`;
  if (opts.includes('MAX') && nums.length > 0) line += ` MAX ${nums[nums.length - 1]}`;
  if (opts.includes('ALL') && nums.length > 0) line += ` ALL ${formatSet(nums)}`;
  if (opts.includes('COUNT')) line += ` COUNT ${nums.length}`;
  if (partial) {
    const window = partialWindow(nums, partial);
    line += ` PARTIAL (${partial[0]}:${partial[1]} ${window.length > 0 ? formatSet(window) : 'NIL'})`;
  }
  if (modseq !== null) line += ` MODSEQ ${modseq}`;
  return line;
}
