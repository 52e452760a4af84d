/**
 * Sequence sets (RFC 3501 §9 sequence-set, RFC 9051 §9 with "$" from RFC 5182 SEARCHRES):
 * `1:5,7,9:*` or `$`. Parsing bounds the number of ranges (MAX_RANGES) so a million-range set
 * is refused with [LIMIT] before any work; resolution turns "*" into the largest number in
 * use and orders each range low to high (RFC 3501 §9: "4:2" means 2,3,4).
 */
import { bad } from './errors.js';
import type { Reader } from './reader.js';

export const MAX_RANGES = 10000;

/** '*' stands for the largest number in use. */
export type SeqNumber = number | '*';
export type SeqRange = [SeqNumber, SeqNumber];
/** A parsed set: explicit ranges, or '$' (the saved search result). */
export type SeqSet = { kind: 'ranges'; ranges: SeqRange[] } | { kind: 'saved' };

function seqNumber(r: Reader): SeqNumber {
  if (r.eat('*')) return '*';
  return r.nzNumber('a sequence number');
}

/** RFC 3501 §9 sequence-set; `$` only where `allowSaved` (RFC 5182 §2). */
export function readSeqSet(r: Reader, allowSaved = true): SeqSet {
  if (r.peekChar('$')) {
    if (!allowSaved) throw bad('$ is not allowed here');
    r.pos++;
    return { kind: 'saved' };
  }
  const ranges: SeqRange[] = [];
  do {
    const a = seqNumber(r);
    const b = r.eat(':') ? seqNumber(r) : a;
    ranges.push([a, b]);
    if (ranges.length > MAX_RANGES) throw bad('Sequence set has too many ranges', 'LIMIT');
  } while (r.eat(','));
  return { kind: 'ranges', ranges };
}

/** Ranges resolved against `max` (the highest sequence number or UID), each low ≤ high. */
export function resolveRanges(ranges: SeqRange[], max: number): Array<[number, number]> {
  return ranges.map(([a, b]) => {
    const x = a === '*' ? max : a;
    const y = b === '*' ? max : b;
    return x <= y ? [x, y] : [y, x];
  });
}

/** True when n lies in one of the resolved ranges. */
export function inRanges(ranges: Array<[number, number]>, n: number): boolean {
  for (const [a, b] of ranges) if (n >= a && n <= b) return true;
  return false;
}

/** Compact wire form of a sorted list of numbers: [1,2,3,5] → "1:3,5". Empty → "". */
export function formatSet(sorted: number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
}
