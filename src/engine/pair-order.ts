/**
 * The comparisons' processing order of the candidate pairs (see locality.ts), in a module of its own so that the
 * blocking worker can compute it right after making the pairs without loading the comparison code.
 */

/** Pairs are processed by buckets of 2^LOW_SHIFT consecutive renumbered profiles. */
export const LOW_SHIFT = 5;

/** The pairs in processing order: sorted[j] = candidate index of the j-th pair, (sa[j], sb[j]) its renumbered profiles. */
export interface PairOrder {
  sorted: Uint32Array;
  sa: Uint32Array;
  sb: Uint32Array;
}

function sharedU32(n: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(Math.max(4, n * 4))).subarray(0, n);
}

/**
 * By the lower renumbered profile's bucket of 2^LOW_SHIFT consecutive profiles, ties in candidate order — a stable
 * counting sort (one counting pass and one scatter). Buckets rather than single profiles: the counters fit in the
 * cache (a million of them did not: two random accesses per pair), and a pair's lower profile still lies within a few
 * cache lines of the previous pair's. pos[i] = renumbered index of profile i; (sa[j], sb[j]) keep the candidate pair's
 * sides. The results are shared memory (the scoring threads write probabilities through `sorted`).
 */
export function pairOrder(a: Uint32Array, b: Uint32Array, pos: Uint32Array, n: number): PairOrder {
  const m = a.length;
  const buckets = (n >>> LOW_SHIFT) + 1;
  const start = new Uint32Array(buckets + 1);
  const low = new Uint32Array(m), posB = new Uint32Array(m);
  for (let k = 0; k < m; k++) {
    const x = pos[a[k]!]!, y = pos[b[k]!]!;
    const l = (x < y ? x : y) >>> LOW_SHIFT;
    low[k] = l;
    posB[k] = y;
    start[l + 1]!++;
  }
  for (let i = 0; i < buckets; i++) start[i + 1]! += start[i]!;
  const sorted = sharedU32(m), sa = sharedU32(m), sb = sharedU32(m);
  for (let k = 0; k < m; k++) {
    const j = start[low[k]!]!++;
    sorted[j] = k;
    sa[j] = pos[a[k]!]!;
    sb[j] = posB[k]!;
  }
  return { sorted, sa, sb };
}
