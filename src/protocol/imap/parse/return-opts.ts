/**
 * RETURN options of SEARCH and SORT: RFC 4731 §3.1 (MIN MAX ALL COUNT), RFC 5182 §2 (SAVE),
 * RFC 5267 §3 (ESORT: the same options for SORT) and §4 (UPDATE; PARTIAL low:high, a window
 * of the result by position, 1-based, either order), RFC 9394 §3.1 (PARTIAL -low:-high
 * counts from the end: -1 is the last result). PARTIAL and ALL together are refused
 * (BAD), as Dovecot does: the window would repeat part of ALL.
 */
import { bad } from '../errors.js';
import type { Reader } from '../reader.js';

export type ReturnOption = 'MIN' | 'MAX' | 'ALL' | 'COUNT' | 'SAVE' | 'UPDATE' | 'PARTIAL';
const OPTIONS = new Set<string>(['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE', 'UPDATE']);

export interface ReturnOpts {
  /** [] for RETURN (): ALL (RFC 4731 §3.1). PARTIAL's range is in `partial`. */
  options: ReturnOption[];
  /** RFC 5267 §4.4 / RFC 9394 §3.1 partial-range (partialWindow). */
  partial: PartialRange | null;
}

/** A partial-range, its smaller magnitude first: [1, 100] is 1:100, [-1, -100] is -1:-100
 *  (the last hundred). */
export type PartialRange = [number, number];

/** RFC 9394 §3.1 partial-range = partial-range-first / partial-range-last:
 *  nz-number ":" nz-number, or "-" nz-number ":-" nz-number; either order. */
export function readPartialRange(r: Reader): PartialRange {
  const negative = r.peekChar('-');
  if (negative) r.expect('-', 'a partial range');
  const a = r.nzNumber('a partial range');
  r.expect(':', 'a partial range');
  if (negative) r.expect('-', 'a negative partial range (RFC 9394: both ends count from the end)');
  const b = r.nzNumber('a partial range');
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  return negative ? [-lo, -hi] : [lo, hi];
}

/** The part of `list` a partial-range names (positions 1-based; negative from the end). */
export function partialWindow<T>(list: readonly T[], range: PartialRange): T[] {
  const [a, b] = range;
  if (a > 0) return list.slice(a - 1, b);
  // -a … -b: the a-th from the end back to the b-th from the end (|a| ≤ |b|)
  const end = list.length + a + 1;
  return end <= 0 ? [] : list.slice(Math.max(0, list.length + b), end);
}

/** Reads `RETURN SP "(" [option *(SP option)] ")" SP` if present; null when absent. */
export function readReturnOpts(r: Reader): ReturnOpts | null {
  if (!r.eatWord('RETURN')) return null;
  r.sp();
  let partial = null as [number, number] | null;
  const options: ReturnOption[] = [];
  r.list(() => {
    const o = r.atom('a RETURN option').toUpperCase();
    if (o === 'PARTIAL') {
      if (partial) throw bad('PARTIAL given twice'); // RFC 5267 §4.4: one PARTIAL or ALL
      r.sp();
      partial = readPartialRange(r);
      options.push('PARTIAL');
    } else if (OPTIONS.has(o)) options.push(o as ReturnOption);
    else throw bad(`Unknown RETURN option ${o}`);
    return o;
  }, true, 10);
  if (partial && options.includes('ALL')) throw bad('PARTIAL conflicts with ALL');
  r.sp();
  return { options, partial };
}
