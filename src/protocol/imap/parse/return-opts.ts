/**
 * RETURN options of SEARCH and SORT: RFC 4731 §3.1 (MIN MAX ALL COUNT), RFC 5182 §2 (SAVE),
 * RFC 5267 §3 (ESORT: the same options for SORT) and §4 (UPDATE; PARTIAL low:high, a window
 * of the result by position, 1-based, either order). PARTIAL and ALL together are refused
 * (BAD), as Dovecot does: the window would repeat part of ALL.
 */
import { bad } from '../errors.js';
import type { Reader } from '../reader.js';

export type ReturnOption = 'MIN' | 'MAX' | 'ALL' | 'COUNT' | 'SAVE' | 'UPDATE' | 'PARTIAL';
const OPTIONS = new Set<string>(['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE', 'UPDATE']);

export interface ReturnOpts {
  /** [] for RETURN (): ALL (RFC 4731 §3.1). PARTIAL's range is in `partial`. */
  options: ReturnOption[];
  /** RFC 5267 §4.4 partial-range, low ≤ high. */
  partial: [number, number] | null;
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
      const a = r.nzNumber('a partial range');
      r.expect(':', 'a partial range');
      const b = r.nzNumber('a partial range');
      partial = a <= b ? [a, b] : [b, a];
      options.push('PARTIAL');
    } else if (OPTIONS.has(o)) options.push(o as ReturnOption);
    else throw bad(`Unknown RETURN option ${o}`);
    return o;
  }, true, 10);
  if (partial && options.includes('ALL')) throw bad('PARTIAL conflicts with ALL');
  r.sp();
  return { options, partial };
}
