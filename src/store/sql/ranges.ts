/**
 * UID ranges (types.ts UidRanges) turned into SQL conditions. Few ranges become an OR of
 * BETWEENs; many (a sparse IMAP set) become one BETWEEN over their span plus an exact
 * filter in JS, so no statement grows past the parser's expression-depth limit.
 * The OR has 1, 2, 4, 8, 16 or 32 terms (padded with the empty range 0..0: UIDs start at
 * 1), so a few statement texts serve every set and stay in the prepared-statement cache:
 * one text per shape of a random FETCH set cost a prepare each and flushed the cache.
 */
import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { UidRanges } from '../types.js';
import { padded } from './db.js';
import type { DB } from './schema.js';

const MAX_OR = 32;
/** Stand-in for Infinity in SQL parameters (fits in a 64-bit integer). */
const TOP = Number.MAX_SAFE_INTEGER;

/** Sorted, merged copy with ends clamped to TOP. Empty or inverted ranges are dropped. */
export function normalizeRanges(ranges: UidRanges): Array<[number, number]> {
  const sorted = ranges
    .map(([a, b]): [number, number] => [Math.max(1, Math.min(a, b)), Math.min(TOP, Math.max(a, b))])
    .sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

export function inRanges(uid: number, ranges: ReadonlyArray<[number, number]>): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = ranges[mid];
    if (uid < a) hi = mid - 1;
    else if (uid > b) lo = mid + 1;
    else return true;
  }
  return false;
}

export interface UidFilter {
  /** Condition on messages.uid (or any table with a `uid` column). */
  where: (eb: ExpressionBuilder<DB, 'messages'>) => Expression<SqlBool>;
  /** True when rows must still be checked with `keep`. */
  exact: boolean;
  keep: (uid: number) => boolean;
  empty: boolean;
  /** The BETWEEN bounds `where` tests, as pairs (sql/prepared.ts builds it from them). */
  terms: Array<[number, number]>;
}

export function uidFilter(ranges: UidRanges): UidFilter {
  const n = normalizeRanges(ranges);
  if (n.length === 0) return { where: () => sql<SqlBool>`1 = 0`, exact: true, keep: () => false, empty: true, terms: [] };
  if (n.length <= MAX_OR) {
    const terms = padded<[number, number]>(n, [0, 0]);
    return { where: uidBetween(terms), exact: true, keep: () => true, empty: false, terms };
  }
  const terms: Array<[number, number]> = [[n[0][0], n[n.length - 1][1]]];
  return { where: uidBetween(terms), exact: false, keep: (uid) => inRanges(uid, n), empty: false, terms };
}

/** messages.uid within any of `terms` (an OR of BETWEENs; sql/prepared.ts passes placeholders). */
export function uidBetween(terms: ReadonlyArray<readonly [number, number]>): (eb: ExpressionBuilder<DB, 'messages'>) => Expression<SqlBool> {
  return (eb) => eb.or(terms.map(([a, b]) => eb.between('messages.uid', a, b)));
}
