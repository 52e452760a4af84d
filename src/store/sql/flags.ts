/**
 * Flags as stored: the five system flags of RFC 3501 §2.3.2 as a bitmask in an integer
 * column (cheap to read for 100,000 rows, and testable with `&` in SQL), keywords as one
 * space-separated text column (keywords are atoms, so they never contain a space).
 * '\Recent' is session state and never stored. Keywords keep their case and compare
 * case-insensitively.
 */
import type { Flag, FlagMode } from '../types.js';

export const SEEN = 1;
export const ANSWERED = 2;
export const FLAGGED = 4;
export const DELETED = 8;
export const DRAFT = 16;

const SYSTEM: ReadonlyArray<[string, number]> = [
  ['\\Seen', SEEN], ['\\Answered', ANSWERED], ['\\Flagged', FLAGGED], ['\\Deleted', DELETED], ['\\Draft', DRAFT],
];
const BY_LOWER = new Map(SYSTEM.map(([name, bit]) => [name.toLowerCase(), bit]));

/** Precomputed flag lists for every bitmask, so a 100,000-row read allocates no strings. */
const LISTS: ReadonlyArray<ReadonlyArray<Flag>> = Array.from({ length: 32 }, (_, mask) =>
  Object.freeze(SYSTEM.filter(([, bit]) => mask & bit).map(([name]) => name)));

export interface StoredFlags { bits: number; keywords: string }

export function encodeFlags(flags: readonly Flag[]): StoredFlags {
  let bits = 0;
  const keywords: string[] = [];
  for (const f of flags) {
    const bit = BY_LOWER.get(f.toLowerCase());
    if (bit !== undefined) bits |= bit;
    else if (f.toLowerCase() !== '\\recent' && f.length > 0 && !keywords.some((k) => k.toLowerCase() === f.toLowerCase())) keywords.push(f);
  }
  return { bits, keywords: keywords.join(' ') };
}

export function decodeFlags(bits: number, keywords: string): Flag[] {
  const system = LISTS[bits & 31];
  if (keywords === '') return system.slice();
  return [...system, ...keywords.split(' ')];
}

/** Applies a STORE (RFC 3501 §6.4.6) to stored flags; returns the new state. */
export function applyFlags(current: StoredFlags, mode: FlagMode, change: StoredFlags): StoredFlags {
  if (mode === 'replace') return change;
  const cur = current.keywords === '' ? [] : current.keywords.split(' ');
  const add = change.keywords === '' ? [] : change.keywords.split(' ');
  if (mode === 'add') {
    const out = cur.slice();
    for (const k of add) if (!out.some((x) => x.toLowerCase() === k.toLowerCase())) out.push(k);
    return { bits: current.bits | change.bits, keywords: out.join(' ') };
  }
  const drop = new Set(add.map((k) => k.toLowerCase()));
  return { bits: current.bits & ~change.bits, keywords: cur.filter((k) => !drop.has(k.toLowerCase())).join(' ') };
}

export function sameFlags(a: StoredFlags, b: StoredFlags): boolean {
  if (a.bits !== b.bits) return false;
  if (a.keywords === b.keywords) return true;
  const x = a.keywords.toLowerCase().split(' ').sort().join(' ');
  const y = b.keywords.toLowerCase().split(' ').sort().join(' ');
  return x === y;
}
