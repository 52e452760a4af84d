/**
 * The ESEARCH response (RFC 4731 §3.1) for SEARCH and, under ESORT, SORT (RFC 5267 §3): MIN
 * and MAX are the first and last of the result in its order (ascending for SEARCH, the sort
 * order for SORT, as Dovecot answers), ALL the result as a sequence set in that order
 * (ranges only for ascending runs, RFC 5267 §3.2), COUNT its size, PARTIAL the window of
 * positions low:high (RFC 5267 §4.4, NIL when the window is past the end). Empty MIN, MAX
 * and ALL are left out.
 */
import type { ReturnOption } from '../../../protocol/imap/parse/return-opts.js';
import { formatSet } from '../../../protocol/imap/seqset.js';

export function esearchLine(tag: string, uid: boolean, nums: number[], options: ReturnOption[], partial: [number, number] | null, modseq: number | null): string {
  const opts = options.length === 0 ? ['ALL'] : options;
  let line = `ESEARCH (TAG "${tag}")${uid ? ' UID' : ''}`;
  if (opts.includes('MIN') && nums.length > 0) line += ` MIN ${nums[0]}`;
  if (opts.includes('MAX') && nums.length > 0) line += ` MAX ${nums[nums.length - 1]}`;
  if (opts.includes('ALL') && nums.length > 0) line += ` ALL ${formatSet(nums)}`;
  if (opts.includes('COUNT')) line += ` COUNT ${nums.length}`;
  if (partial) {
    const window = nums.slice(partial[0] - 1, partial[1]);
    line += ` PARTIAL (${partial[0]}:${partial[1]} ${window.length > 0 ? formatSet(window) : 'NIL'})`;
  }
  if (modseq !== null) line += ` MODSEQ ${modseq}`;
  return line;
}
