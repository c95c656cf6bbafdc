/**
 * Clustering of scored candidate pairs into match groups: links (pairs with probability ≥ threshold) are merged
 * strongest first (Kruskal), with two guards against chaining (A~B, B~C, but A≁C):
 *  - support: two groups merge only if the scored candidate pairs across them, taken together, favour it: the sum of
 *    their log-odds, each clamped to ±SUPPORT_CLAMP_BITS, is positive (a single strong-looking link cannot glue
 *    together groups whose other members clearly disagree; pairs that merely lack evidence weigh little);
 *  - size: no group grows past `maxGroupSize`.
 * The merges form each group's maximum spanning tree; the group's ConfidenceScore is its weakest spanning link
 * (the probability at which the group still holds together): 1.0 when every member is an exact duplicate.
 */
import * as crypto from 'node:crypto';
import type { MatchGroup } from './types.js';
import { sortByHash } from './blocking.js';

export interface ClusterOptions {
  threshold: number;
  maxGroupSize: number;
  /**
   * Each scored pair across two groups votes its log-odds (log2 p/(1−p)) clamped to ± this many bits (default
   * SUPPORT_CLAMP_BITS); 0 = the older count vote (+1 for p ≥ ½, −1 below).
   */
  supportClampBits?: number;
}

/**
 * Bound of one cross pair's vote in the support guard: strong enough that a confident link outweighs a few pairs
 * that merely lack evidence (p 0.1–0.4: missing birth date, another email), while a clear contradiction (a different
 * first name and birth date) still counts as much as a clear agreement.
 */
export const SUPPORT_CLAMP_BITS = 6;

/** Every scored candidate pair. */
export interface ScoredPairs {
  a: Uint32Array;
  b: Uint32Array;
  p: Float32Array;
}

/**
 * SHA-256 as 32 characters of its raw bytes ('binary' = latin1): crypto.hash (Node ≥ 20.12, about half the cost of a Hash object
 * per group) where it exists.
 */
const sha256Raw: (s: string) => string = typeof crypto.hash === 'function'
  ? (s) => crypto.hash('sha256', s, 'binary')
  : (s) => crypto.createHash('sha256').update(s).digest('binary');

const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const hexCodes: number[] = new Array<number>(32).fill(0);

/**
 * The first 16 bytes of a raw digest in lower-case hex, as one flat string: the hex digest's `.slice(0, 32)` is a
 * view that keeps the 64-digit string alive (120 bytes of heap a group instead of 48; ~18 MB at 274k groups).
 */
function hex16(raw: string): string {
  for (let i = 0; i < 16; i++) {
    const x = raw.charCodeAt(i);
    hexCodes[2 * i] = HEX_CODES[x >> 4]!;
    hexCodes[2 * i + 1] = HEX_CODES[x & 15]!;
  }
  return String.fromCharCode(...hexCodes);
}

/** Stable MatchId: SHA-256 of the sorted member ids, 32 hex digits. Unchanged group ⇒ unchanged id. */
export function matchIdOf(profileIds: string[]): string {
  return matchIdOfSorted([...profileIds].sort());
}

function matchIdOfSorted(sorted: string[]): string {
  return hex16(sha256Raw(sorted.join('\u0000')));
}

/**
 * Groups in MatchId order: a radix sort on the first 8 hex digits (for fixed-length lower-case hex, numeric order is
 * string order), then the comparator only within runs of equal prefixes — a comparator sort of hundreds of
 * thousands of groups cost more than the rest of clustering.
 */
function sortByMatchId(groups: MatchGroup[]): MatchGroup[] {
  const m = groups.length;
  const hash = new Uint32Array(m), idx = new Uint32Array(m);
  for (let k = 0; k < m; k++) {
    hash[k] = parseInt(groups[k]!.matchId.slice(0, 8), 16);
    idx[k] = k;
  }
  const sorted = sortByHash({ hash, idx });
  const out: MatchGroup[] = new Array<MatchGroup>(m);
  for (let s = 0; s < m; ) {
    let e = s + 1;
    while (e < m && sorted.hash[e] === sorted.hash[s]) e++;
    if (e === s + 1) {
      // Nearly every prefix is unique: no array for a run of one.
      out[s] = groups[sorted.idx[s]!]!;
      s = e;
      continue;
    }
    const run: MatchGroup[] = [];
    for (let k = s; k < e; k++) run.push(groups[sorted.idx[k]!]!);
    if (run.length > 1) run.sort((x, y) => (x.matchId < y.matchId ? -1 : x.matchId > y.matchId ? 1 : 0));
    for (let k = 0; k < run.length; k++) out[s + k] = run[k]!;
    s = e;
  }
  return out;
}

/**
 * CSR adjacency of the scored pairs whose two profiles lie in one connected component of the links (only those can
 * ever lie between two groups being merged: groups grow along links, so both groups of a merge are in one component):
 * neighbours of i are nb[off[i]..off[i+1]) with each pair's support vote, in pair order. At a million profiles that is
 * ~1M of the 12.4M candidate pairs — filtering on "both profiles have a link" kept 8.4M, and writing them to their
 * places cost ~2.5 s of cache misses.
 */
function adjacency(
  n: number, s: ScoredPairs, comp: Int32Array, vote: (p: number) => number,
): { off: Int32Array; nb: Int32Array; vote: Float32Array } {
  const off = new Int32Array(n + 1);
  // One pass over every pair notes the few that qualify (in pair order); the second pass reads only those.
  let kept = new Uint32Array(1 << 16);
  let m = 0;
  for (let k = 0; k < s.a.length; k++) {
    const x = s.a[k]!, y = s.b[k]!;
    if (comp[x] !== comp[y] || x === y) continue;
    off[x + 1]!++;
    off[y + 1]!++;
    if (m === kept.length) {
      const grown = new Uint32Array(m * 2);
      grown.set(kept);
      kept = grown;
    }
    kept[m++] = k;
  }
  for (let i = 0; i < n; i++) off[i + 1]! += off[i]!;
  const pos = off.slice(0, n);
  const nb = new Int32Array(m * 2);
  const votes = new Float32Array(m * 2);
  for (let j = 0; j < m; j++) {
    const k = kept[j]!;
    const x = s.a[k]!, y = s.b[k]!;
    const v = vote(s.p[k]!);
    nb[pos[x]!] = y;
    votes[pos[x]!++] = v;
    nb[pos[y]!] = x;
    votes[pos[y]!++] = v;
  }
  return { off, nb, vote: votes };
}

/**
 * Connected component (a representative profile) of every profile over the links (pairs with p ≥ threshold);
 * unlinked profiles are their own. Components do not depend on the order of the links, so the pairs are read in
 * their own order (sequentially: the links in strongest-first order are scattered over the pair arrays).
 */
function linkComponents(n: number, s: ScoredPairs, threshold: number): Int32Array {
  const comp = new Int32Array(n);
  for (let i = 0; i < n; i++) comp[i] = i;
  const root = (x: number): number => {
    while (comp[x] !== x) {
      comp[x] = comp[comp[x]!]!;
      x = comp[x]!;
    }
    return x;
  };
  for (let k = 0; k < s.p.length; k++) {
    if (!(s.p[k]! >= threshold)) continue;
    const x = root(s.a[k]!), y = root(s.b[k]!);
    if (x !== y) comp[x] = y;
  }
  for (let i = 0; i < n; i++) comp[i] = root(i);
  return comp;
}

/**
 * Indices of the pairs with p ≥ threshold, by p descending, ties by (a, b) — scored pairs come sorted by (a, b), so a
 * stable radix sort on p's float bits (monotonic for p ≥ 0) gives exactly that order without a comparator sort.
 */
export function strongestFirst(scored: ScoredPairs, threshold: number): Uint32Array {
  const bits = new Uint32Array(scored.p.buffer, scored.p.byteOffset, scored.p.length);
  let m = 0;
  for (let k = 0; k < scored.p.length; k++) if (scored.p[k]! >= threshold) m++;
  const hash = new Uint32Array(m), idx = new Uint32Array(m);
  let o = 0;
  for (let k = 0; k < scored.p.length; k++) {
    if (scored.p[k]! < threshold) continue;
    hash[o] = 0xffffffff - bits[k]!; // descending p
    idx[o++] = k;
  }
  for (let k = 1; k < m; k++) {
    const x = idx[k - 1]!, y = idx[k]!;
    if (scored.a[x]! > scored.a[y]! || (scored.a[x] === scored.a[y] && scored.b[x]! >= scored.b[y]!)) {
      // Not in (a, b) order (not what resolve passes): the comparator sort.
      return idx.sort((s, t) => scored.p[t]! - scored.p[s]! || scored.a[s]! - scored.a[t]! || scored.b[s]! - scored.b[t]!);
    }
  }
  return sortByHash({ hash, idx }).idx;
}

/** The links (pairs with p ≥ threshold) in strongest-first order (that of strongestFirst): profiles and probability. */
interface Links {
  a: Uint32Array;
  b: Uint32Array;
  p: Float32Array;
}

/**
 * strongestFirst's order, with each link's profiles and probability gathered while the pairs are read in order and
 * then put in link order from arrays of the links alone: looking them up by pair index in link order read three
 * places at random in the 50 MB pair arrays per link (at a million profiles ~1M links, mostly cache misses).
 */
function strongestLinks(scored: ScoredPairs, threshold: number): Links {
  const { a, b, p } = scored;
  const bits = new Uint32Array(p.buffer, p.byteOffset, p.length);
  let m = 0;
  for (let k = 0; k < p.length; k++) if (p[k]! >= threshold) m++;
  const hash = new Uint32Array(m), idx = new Uint32Array(m);
  const la = new Uint32Array(m), lb = new Uint32Array(m), lp = new Float32Array(m);
  let inOrder = true;
  for (let k = 0, o = 0; k < p.length; k++) {
    if (p[k]! < threshold) continue;
    hash[o] = 0xffffffff - bits[k]!; // descending p
    idx[o] = o;
    la[o] = a[k]!;
    lb[o] = b[k]!;
    lp[o] = p[k]!;
    if (o > 0 && (la[o - 1]! > la[o]! || (la[o - 1] === la[o] && lb[o - 1]! >= lb[o]!))) inOrder = false;
    o++;
  }
  let order: Uint32Array;
  if (inOrder) order = sortByHash({ hash, idx }).idx;
  else {
    // Not in (a, b) order (not what resolve passes): the comparator sort, as strongestFirst.
    order = idx.sort((s, t) => lp[t]! - lp[s]! || la[s]! - la[t]! || lb[s]! - lb[t]!);
  }
  const out: Links = { a: new Uint32Array(m), b: new Uint32Array(m), p: new Float32Array(m) };
  for (let i = 0; i < m; i++) {
    const o = order[i]!;
    out.a[i] = la[o]!;
    out.b[i] = lb[o]!;
    out.p[i] = lp[o]!;
  }
  return out;
}

export function cluster(ids: string[], scored: ScoredPairs, opts: ClusterOptions): { groups: MatchGroup[]; cut: number } {
  const n = ids.length;
  const links = strongestLinks(scored, opts.threshold);
  const comp = linkComponents(n, scored, opts.threshold);
  const lc = opts.supportClampBits ?? SUPPORT_CLAMP_BITS;
  // A pair's vote, computed once per pair (support visits a pair again at every merge attempt of its groups).
  const vote = lc > 0 ? (p: number) => Math.max(-lc, Math.min(lc, Math.log2(p / (1 - p)))) : (p: number) => (p >= 0.5 ? 1 : -1);
  const g = adjacency(n, scored, comp, vote);

  const parent = new Int32Array(n);
  const size = new Int32Array(n).fill(1);
  const next = new Int32Array(n); // circular member lists
  for (let i = 0; i < n; i++) parent[i] = next[i] = i;
  const weakest = new Float64Array(n).fill(1);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  /** Scored pairs across two groups: Σ clamped log-odds (or (#p ≥ ½) − (#p < ½) with a clamp of 0). */
  const support = (small: number, other: number): number => {
    let score = 0;
    let m = small;
    do {
      for (let e = g.off[m]!; e < g.off[m + 1]!; e++) {
        if (find(g.nb[e]!) === other) score += g.vote[e]!;
      }
      m = next[m]!;
    } while (m !== small);
    return score;
  };
  let cut = 0;
  for (let i = 0; i < links.p.length; i++) {
    let rx = find(links.a[i]!), ry = find(links.b[i]!);
    if (rx === ry) continue;
    if (size[rx]! + size[ry]! > opts.maxGroupSize) {
      cut++;
      continue;
    }
    if (size[rx]! < size[ry]!) [rx, ry] = [ry, rx];
    if (size[ry]! + size[rx]! > 2 && support(ry, rx) <= 0) {
      cut++;
      continue;
    }
    parent[ry] = rx;
    size[rx]! += size[ry]!;
    const t = next[rx]!;
    next[rx] = next[ry]!;
    next[ry] = t;
    weakest[rx] = Math.min(weakest[rx]!, weakest[ry]!, links.p[i]!);
  }
  // Members of each group, as CSR lists by root (groups in order of their first member, as before).
  const root = new Int32Array(n);
  const count = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const r = (root[i] = find(i));
    if (size[r]! >= 2) count[r + 1]!++;
  }
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const member = new Int32Array(count[n]!);
  const fill = count.slice(0, n);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = root[i]!;
    if (size[r]! < 2) continue;
    if (fill[r] === count[r]) roots.push(r);
    member[fill[r]!++] = i;
  }
  const groups: MatchGroup[] = new Array<MatchGroup>(roots.length);
  for (let g = 0; g < roots.length; g++) {
    const r = roots[g]!;
    // Sized exactly: a list grown by push keeps room for 17 (~100 bytes a group more, ~27 MB of heap at 1M).
    const from = count[r]!, len = count[r + 1]! - from;
    const profileIds = new Array<string>(len);
    for (let k = 0; k < len; k++) profileIds[k] = ids[member[from + k]!]!;
    profileIds.sort();
    groups[g] = { matchId: matchIdOfSorted(profileIds), profileIds, confidenceScore: Math.round(weakest[r]! * 1e6) / 1e6 };
  }
  return { groups: sortByMatchId(groups), cut };
}
