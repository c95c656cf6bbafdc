/**
 * String similarity metrics for the comparison hot loop. Written here (not taken from npm) because the maintained
 * packages either lack Damerau transpositions (fastest-levenshtein) or are unmaintained (talisman, jaro-winkler), and
 * the hot loop wants reusable typed-array buffers instead of per-call allocations.
 */

let flagsA = new Int32Array(64);
let flagsB = new Int32Array(64);
let stamp = 0;

/** Jaro-Winkler similarity in [0,1] (prefix scale 0.1, prefix up to 4). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (la <= 31 && lb <= 31) return jaroWinklerShort(a, b, la, lb);
  if (la > flagsA.length) flagsA = new Int32Array(la * 2);
  if (lb > flagsB.length) flagsB = new Int32Array(lb * 2);
  // Flags are "matched in this call" when equal to the call's stamp: no clearing between calls.
  if (++stamp === 0x7fffffff) {
    flagsA.fill(0);
    flagsB.fill(0);
    stamp = 1;
  }
  const st = stamp;
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] !== st && b.charCodeAt(j) === c) {
        flagsA[i] = st;
        flagsB[j] = st;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let t = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] !== st) continue;
    while (flagsB[k] !== st) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) t++;
    k++;
  }
  const jaro = (matches / la + matches / lb + (matches - t / 2) / matches) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Per character code, the positions where it occurs in the current `b` (a bit each); zero between calls. */
const charPositions = new Int32Array(65536);

/**
 * jaroWinkler for strings of up to 31 characters, bit-parallel: each character of `a` takes the lowest unmatched
 * position of the same character in `b` within the window — the first one the scan would find — from one bitmask
 * operation instead of a scan of the window, so matches, transpositions and the result are exactly the same.
 */
/** The Jaro bound from the matches of the last jaroWinklerShort call that found any. */
let shortBound = 0;

function jaroWinklerShort(a: string, b: string, la: number, lb: number, jaroMin = -Infinity): number {
  for (let j = 0; j < lb; j++) charPositions[b.charCodeAt(j)]! |= 1 << j;
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let usedB = 0, matchedA = 0, matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    if (lo > hi) continue;
    const inWindow = ((1 << (hi + 1)) - 1) & ~((1 << lo) - 1); // hi ≤ 30: (1 << 31) − 1 is 0x7fffffff as an int
    const free = charPositions[a.charCodeAt(i)]! & ~usedB & inWindow;
    if (free !== 0) {
      usedB |= free & -free;
      matchedA |= 1 << i;
      matches++;
    }
  }
  for (let j = 0; j < lb; j++) charPositions[b.charCodeAt(j)] = 0;
  if (matches === 0) return 0;
  // Jaro ≤ (m/la + m/lb + 1) / 3 whatever the transpositions: below jaroMin the caller's threshold is out of reach.
  shortBound = (matches / la + matches / lb + 1) / 3;
  if (shortBound < jaroMin) return 0;
  let t = 0;
  let rest = usedB;
  for (let i = 0; i < la; i++) {
    if ((matchedA & (1 << i)) === 0) continue;
    const bit = rest & -rest;
    rest ^= bit;
    if (a.charCodeAt(i) !== b.charCodeAt(31 - Math.clz32(bit))) t++;
  }
  const jaro = (matches / la + matches / lb + (matches - t / 2) / matches) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

let row0 = new Int32Array(64);
let row1 = new Int32Array(64);
let row2 = new Int32Array(64);

/** Optimal-string-alignment Damerau-Levenshtein distance (adjacent transpositions count 1), capped at `max` + 1. */
export function damerauLevenshtein(a: string, b: string, max = 1 << 30): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0) return lb;
  if (lb === 0) return la;
  if (lb + 2 > row0.length) {
    row0 = new Int32Array((lb + 2) * 2);
    row1 = new Int32Array((lb + 2) * 2);
    row2 = new Int32Array((lb + 2) * 2);
  }
  return bandedOsa(a, b, max);
}

/**
 * damerauLevenshtein's matrix (la, lb ≥ 1, |la − lb| ≤ max): only cells with |i − j| ≤ max are computed — an
 * alignment through any other cell costs more than max already; for a large max the band is the whole matrix. Each
 * computed cell is the full matrix's value when that is ≤ max and more than max otherwise, so the result (capped at
 * max + 1) and the early exit are the same; for two 26-character emails and max 2, 5 cells a row instead of 26.
 */
function bandedOsa(a: string, b: string, max: number): number {
  const la = a.length, lb = b.length;
  const far = max + 1;
  let prev2 = row0;
  let prev = row1;
  let cur = row2;
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    const lo = i - max > 1 ? i - max : 1;
    const hi = i + max < lb ? i + max : lb;
    cur[lo - 1] = lo === 1 ? i : far; // left of the band
    let rowMin = lo === 1 ? i : far;
    const ca = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (hi < lb) cur[hi + 1] = far; // right of the band: what the next row reads above its last cell
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(prev[lb]!, max + 1);
}

/**
 * True when a and b are at most one edit apart (insert, delete, substitute, or swap two adjacent characters).
 * `from`: a prefix length the caller knows a and b share (skipped; the answer is the same).
 */
export function withinOneEdit(a: string, b: string, from = 0): boolean {
  const la = a.length, lb = b.length;
  if (la === lb) {
    let i = from;
    while (i < la && a.charCodeAt(i) === b.charCodeAt(i)) i++;
    if (i >= la - 1) return true;
    // one substitution, or one adjacent transposition
    if (a.charCodeAt(i + 1) === b.charCodeAt(i) && a.charCodeAt(i) === b.charCodeAt(i + 1)) i += 2;
    else i += 1;
    for (; i < la; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
    return true;
  }
  if (Math.abs(la - lb) !== 1) return false;
  const s = la < lb ? a : b, t = la < lb ? b : a; // no destructuring: this runs for millions of pairs
  let i = from;
  while (i < s.length && s.charCodeAt(i) === t.charCodeAt(i)) i++;
  for (; i < s.length; i++) if (s.charCodeAt(i) !== t.charCodeAt(i + 1)) return false;
  return true;
}

const bag = new Int32Array(65536);

/** Characters a and b have in common, counted as a multiset (an upper bound on Jaro's matching characters). */
function sharedChars(a: string, b: string): number {
  for (let i = 0; i < a.length; i++) bag[a.charCodeAt(i)]!++;
  let common = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    if (bag[c]! > 0) {
      bag[c]!--;
      common++;
    }
  }
  for (let i = 0; i < a.length; i++) bag[a.charCodeAt(i)] = 0;
  return common;
}

/**
 * Jaro-Winkler similarity when it can reach `min`, else 0 — a cheap upper bound (lengths, then shared character
 * counts bound the Jaro matches) skips most of the work for dissimilar strings in the hot loop.
 */
export function jaroWinklerAtLeast(a: string, b: string, min: number): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length, lb = b.length;
  if (la === 0 || lb === 0) return 0;
  // JW ≤ jaro + 0.4·(1 − jaro), so JW ≥ min needs jaro ≥ (min − 0.4) / 0.6.
  const jaroMin = (min - 0.4) / 0.6;
  const lo = Math.min(la, lb), hi = Math.max(la, lb);
  if ((1 + lo / hi + 1) / 3 < jaroMin) return 0;
  const common = sharedChars(a, b);
  if (common === 0 || (common / la + common / lb + 1) / 3 < jaroMin) return 0;
  return jaroWinkler(a, b);
}

/**
 * jaroWinkler(a, b) ≥ min, with a tighter filter than jaroWinklerAtLeast (whose callers may use the similarity it
 * returns, so its filter stays as it was): JW = jaro + 0.1·p·(1 − jaro) with p the actual common prefix (≤ 4), so
 * JW ≥ min needs jaro ≥ (min − 0.1p) / (1 − 0.1p), and shared character counts bound jaro.
 */
export function jaroWinklerReaches(a: string, b: string, min: number): boolean {
  if (a === b) return a.length !== 0 && min <= 1;
  const la = a.length, lb = b.length;
  if (la === 0 || lb === 0) return false;
  let p = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (p < maxPrefix && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  const jaroMin = (min - 0.1 * p) / (1 - 0.1 * p);
  const lo = Math.min(la, lb), hi = Math.max(la, lb);
  if ((1 + lo / hi + 1) / 3 < jaroMin) return false;
  if (hi <= 31) {
    // Short strings: the bit-parallel matching costs about what counting shared characters does, and its matches
    // bound Jaro at least as tightly. A bound clearly below jaroMin means JW < min; within 1e-9 of it, the shared
    // character test decides as it always did, so results at exactly the threshold are unchanged too.
    const jw = jaroWinklerShort(a, b, la, lb, jaroMin - 1e-9);
    if (jw === 0) return false;
    if (shortBound < jaroMin) {
      const common = sharedChars(a, b);
      if (common === 0 || (common / la + common / lb + 1) / 3 < jaroMin) return false;
    }
    return jw >= min;
  }
  const common = sharedChars(a, b);
  if (common === 0 || (common / la + common / lb + 1) / 3 < jaroMin) return false;
  return jaroWinkler(a, b) >= min;
}

/**
 * Character counts of a string in 8 buckets (char code mod 8), 4 bits each, saturating at 15. One edit (insert,
 * delete, substitute, swap two adjacent characters) moves the counts by at most 2 in total, and saturation only
 * shrinks differences, so two strings whose signatures are more than 2 apart (signaturesFar) are more than one edit
 * apart — known without reading the strings. As a 32-bit integer (read with >>>). `from`: skip a prefix that every
 * string compared with this one shares (the multiset difference is the same without it).
 */
export function editSignature(s: string, from = 0): number {
  let sig = 0;
  for (let i = from; i < s.length; i++) {
    const sh = (s.charCodeAt(i) & 7) << 2;
    // Int32 arithmetic (a nibble never carries: it stops at 15); `2 ** sh` on a double cost ~50x more.
    if (((sig >>> sh) & 15) !== 15) sig = (sig + (1 << sh)) | 0;
  }
  return sig;
}

/**
 * Character counts of a string in 32 buckets (char code & 31 — a–z get one each), as 8 lanes of 4 bits in each of
 * `out[at..at+3]`, a lane saturating at 7 (the count beyond 7 of all buckets goes to the returned excess). Σ over
 * buckets of min(count in a, count in b) + min(excess a, excess b) bounds the characters a and b share (a multiset
 * count, which bounds Jaro's matches): see sharedBound.
 */
export function charBuckets(s: string, out: Int32Array, at: number): number {
  let w0 = 0, w1 = 0, w2 = 0, w3 = 0, excess = 0;
  for (let i = 0; i < s.length; i++) {
    const bucket = s.charCodeAt(i) & 31;
    const sh = (bucket & 7) << 2;
    const w = bucket >> 3;
    const word = w === 0 ? w0 : w === 1 ? w1 : w === 2 ? w2 : w3;
    if (((word >>> sh) & 15) === 7) {
      excess++;
      continue;
    }
    const next = (word + (1 << sh)) | 0;
    if (w === 0) w0 = next;
    else if (w === 1) w1 = next;
    else if (w === 2) w2 = next;
    else w3 = next;
  }
  out[at] = w0;
  out[at + 1] = w1;
  out[at + 2] = w2;
  out[at + 3] = w3;
  return excess;
}

/** Σ over the 8 lanes of min(lane of x, lane of y), lanes of 4 bits holding 0–7 (SWAR: no lane borrows). */
function laneMinSum(x: number, y: number): number {
  const d = ((x | 0x88888888) - y) | 0; // per lane 8 + x − y ∈ [1, 15]
  const ge = (d >>> 3) & 0x11111111; // per lane: 1 where x ≥ y
  const mask = Math.imul(ge, 15);
  const m = (y & mask) | (x & ~mask);
  const bytes = (m & 0x0f0f0f0f) + ((m >>> 4) & 0x0f0f0f0f);
  return Math.imul(bytes, 0x01010101) >>> 24;
}

/** Upper bound on the characters shared by two strings from their charBuckets at `i` of `x` and `j` of `y`. */
export function sharedBound(x: Int32Array, i: number, excessX: number, y: Int32Array, j: number, excessY: number): number {
  return laneMinSum(x[i]!, y[j]!) + laneMinSum(x[i + 1]!, y[j + 1]!) + laneMinSum(x[i + 2]!, y[j + 2]!) +
    laneMinSum(x[i + 3]!, y[j + 3]!) + (excessX < excessY ? excessX : excessY);
}

/**
 * False when jaroWinklerReaches(a, b, min) is certainly false, judged from the lengths, the common prefix p
 * (≤ 4, given) and a bound on the shared characters alone (no string read): the same bound that function applies
 * first — Jaro ≤ (m/la + m/lb + 1) / 3 with m ≤ shared — with its 1e-9 margin, so a pair this rejects is one it
 * rejects too, and a pair this keeps is decided by it as before.
 */
export function mayReachJaroWinkler(la: number, lb: number, p: number, shared: number, min: number): boolean {
  const jaroMin = (min - 0.1 * p) / (1 - 0.1 * p);
  const m = shared < la ? (shared < lb ? shared : lb) : la < lb ? la : lb;
  return (m / la + m / lb + 1) / 3 >= jaroMin - 1e-9;
}

/** True when two editSignature values are more than 2 apart (the strings are not within one edit, nor equal). */
export function signaturesFar(x: number, y: number): boolean {
  let d = 0;
  for (let sh = 0; sh < 32; sh += 4) {
    const c = ((x >>> sh) & 15) - ((y >>> sh) & 15);
    d += c < 0 ? -c : c;
  }
  return d > 2;
}
