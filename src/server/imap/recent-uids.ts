/**
 * The UIDs that are \Recent in one session (RFC 3501 §2.3.2), kept as UID intervals rather
 * than one entry per message: a session claims everything above the store's mark at once
 * (recent.ts), so after a bulk delivery 100,000 recent messages are one interval. Expunged
 * UIDs need no removal: the count only counts UIDs still in the session's map.
 */
export class RecentUids {
  /** Disjoint intervals (lo, hi], ascending. */
  private readonly ranges: Array<[number, number]> = [];

  constructor(private readonly uids: () => readonly number[]) {}

  /** Marks the UIDs above `after` up to `upTo` recent. `after` is never below what was
   *  marked before (a session claims only new messages), so the intervals stay ascending. */
  addAbove(after: number, upTo: number): void {
    if (upTo <= after) return;
    const last = this.ranges[this.ranges.length - 1];
    if (last && last[1] >= after) last[1] = Math.max(last[1], upTo);
    else this.ranges.push([after, upTo]);
    this.prune();
  }

  /** By binary search: a session on a busy mailbox collects an interval per claim, and FETCH
   *  asks this for every message it shows. */
  has(uid: number): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = this.ranges[mid];
      if (uid <= a) hi = mid - 1;
      else if (uid > b) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** How many UIDs of the session's map are recent. */
  get size(): number {
    const uids = this.uids();
    let n = 0;
    for (const [lo, hi] of this.ranges) n += upperBound(uids, hi) - upperBound(uids, lo);
    return n;
  }

  /** Drops the intervals wholly below the session's lowest UID: those messages are expunged,
   *  and UIDs are never given again (RFC 3501 §2.3.1.1). */
  private prune(): void {
    const first = this.uids()[0];
    let drop = 0;
    while (drop < this.ranges.length && (first === undefined || this.ranges[drop][1] < first)) drop++;
    if (drop > 0) this.ranges.splice(0, drop);
  }
}

/** Index of the first element greater than v in an ascending array. */
export function upperBound(arr: readonly number[], v: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
