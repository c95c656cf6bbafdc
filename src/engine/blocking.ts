/**
 * Blocking: a union of rules, each giving every profile zero or more keys; profiles sharing a key become candidate
 * pairs. Pairs found by several rules are kept once. Skew protection: a key shared by more than `maxBlockSize`
 * profiles (a shared company email, a call-centre phone, "John Smith") produces no pairs — the other rules still
 * see those profiles (cf. AWS skipping values shared by more than 500 profiles).
 */
import type { View } from './compare.js';
import { U32List } from './intern.js';
import { startWorker } from '../util/worker.js';
import type { PairOrder } from './pair-order.js';

/** Where `hashes` pushes key hashes (an array, or ruleKeys' typed list directly). */
export interface HashSink {
  push(h: number): unknown;
}

export interface BlockingRule {
  name: string;
  /** Broad rules (names, cities) get a fraction of the block-size cap, so they stay cheap at millions of profiles. */
  capFactor?: number;
  /**
   * Share of the size-aware pair budget (`blockPairsPerProfile` × profiles) this rule's fully compared blocks may use
   * (default 1); blocks over the resulting cap are sub-blocked as usual.
   */
  budgetFactor?: number;
  /** Sub-blocking window of this rule's blocks over its cap (default: the limits' `window`; under 2 = skipped). */
  window?: number;
  keys(v: View, i: number, out: string[]): void;
  /**
   * The same keys as `keys`, pushed directly as hash32(key), computed from the key's parts without building the
   * string (blocking's hot loop: a template string per profile and rule, then hashing it, was most of its time).
   * Must equal keys() hashed — test/engine/blocking.test.ts checks it on every rule.
   */
  hashes(v: View, i: number, out: HashSink): void;
}

// ---- FNV-1a 32-bit, incrementally: fnv(fnv(FNV0, "ab"), "c") === hash32("abc") (before the final >>> 0) ----------
const FNV0 = 0x811c9dc5 | 0;
function fnvStr(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
function fnvChar(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}
const BAR = 124; // '|'
/** Hash continued with the decimal digits of a non-negative integer (as `${x}` would spell it). */
function fnvInt(h: number, x: number): number {
  let p = 1;
  while (p * 10 <= x) p *= 10;
  for (; p >= 1; p /= 10) h = fnvChar(h, 48 + (Math.floor(x / p) % 10));
  return h;
}
/** Hash of pairKey(x, y) continued from h. */
function fnvPair(h: number, x: string, y: string): number {
  return x < y ? fnvStr(fnvChar(fnvStr(h, x), BAR), y) : fnvStr(fnvChar(fnvStr(h, y), BAR), x);
}
/** Hash of the first `len` characters of s (s.slice(0, len)). */
function fnvPrefix(h: number, s: string, len: number): number {
  for (let i = 0; i < len && i < s.length; i++) h = fnvChar(h, s.charCodeAt(i));
  return h;
}

/** American Soundex (letter + 3 digits); '' for empty input. */
export function soundex(s: string): string {
  const codes = 'a0b1c2d3e0f1g2h9i0j2k2l4m5n5o0p1q2r6s2t3u0v1w9x2y0z2';
  const code = (ch: string): string => {
    const k = codes.indexOf(ch);
    return k >= 0 && k % 2 === 0 ? codes[k + 1]! : '0';
  };
  const letters = s.replace(/[^a-z]/g, '');
  if (!letters) return '';
  let out = letters[0]!;
  let prev = code(letters[0]!);
  for (let i = 1; i < letters.length && out.length < 4; i++) {
    const c = code(letters[i]!);
    if (c === '9') continue; // h, w do not separate equal codes
    if (c !== '0' && c !== prev) out += c;
    prev = c;
  }
  return out.padEnd(4, '0');
}

function pairKey(x: string, y: string): string {
  return x < y ? `${x}|${y}` : `${y}|${x}`;
}

function multi(col: 'emailLoose' | 'phone' | 'ident', table: 'emailLoose' | 'phone' | 'ident'): BlockingRule['keys'] {
  return (v, i, out) => {
    const m = v[col];
    for (let k = m.off[i]!; k < m.off[i + 1]!; k++) out.push(v.tables[table].values[m.values[k]!]!);
  };
}

function multiHashes(col: 'emailLoose' | 'phone' | 'ident', table: 'emailLoose' | 'phone' | 'ident'): BlockingRule['hashes'] {
  return (v, i, out) => {
    const m = v[col];
    for (let k = m.off[i]!; k < m.off[i + 1]!; k++) out.push(fnvStr(FNV0, v.tables[table].values[m.values[k]!]!) >>> 0);
  };
}

const prefixCache = new WeakMap<View, Record<string, Int32Array>>();
/** Calls `emit` with hash(value + '|') for each non-null postcode / city of profile i (cached per distinct value). */
let lastView: View | undefined; // the view the two shortcuts below belong to (a WeakMap lookup per key was slow)
let lastPrefixes: Record<string, Int32Array> | undefined;
let lastSoundex: string[] | undefined;
function eachValue(v: View, col: 'postcode' | 'city', i: number, emit: (h: number) => void): void {
  let caches = v === lastView ? lastPrefixes : prefixCache.get(v);
  if (!caches) prefixCache.set(v, (caches = {}));
  if (v !== lastView) [lastView, lastSoundex] = [v, soundexCache.get(v)];
  lastPrefixes = caches;
  const vals = v.tables[col].values;
  // 0 = not computed yet (a real hash of 0 is merely recomputed).
  const cache = (caches[col] ??= new Int32Array(vals.length));
  const m = v[col];
  for (let k = m.off[i]!; k < m.off[i + 1]!; k++) {
    const id = m.values[k]!;
    if (id < 0) continue;
    let h = cache[id]!;
    if (h === 0) cache[id] = h = fnvChar(fnvStr(FNV0, vals[id]!), BAR);
    emit(h);
  }
}

const soundexCache = new WeakMap<View, string[]>();
/** Soundex of a profile's first or last name, computed once per distinct name. */
function soundexOf(v: View, col: 'first' | 'last', i: number): string {
  const id = v[col][i]!;
  if (id < 0) return '';
  let cache = v === lastView ? lastSoundex : soundexCache.get(v);
  if (!cache) soundexCache.set(v, (cache = new Array<string>(v.tables.name.values.length)));
  if (v !== lastView) [lastView, lastPrefixes] = [v, prefixCache.get(v)];
  lastSoundex = cache;
  return (cache[id] ??= soundex(v.tables.name.values[id]!));
}

function nameOf(v: View, col: 'first' | 'last', i: number): string {
  const id = v[col][i]!;
  return id >= 0 ? v.tables.name.values[id]! : '';
}

function values(v: View, col: 'postcode' | 'city', i: number): string[] {
  const m = v[col];
  const out: string[] = [];
  for (let k = m.off[i]!; k < m.off[i + 1]!; k++) if (m.values[k]! >= 0) out.push(v.tables[col].values[m.values[k]!]!);
  return out;
}

const WEAK = 0.5;

// chunk-keys.ts computes these rules' hashes in one pass for parallel normalization (self-checked against
// ruleKeys, falling back to it on a difference; test/engine/chunk-keys.test.ts): a rule change belongs there too.
export const BLOCKING_RULES: BlockingRule[] = [
  { name: 'email', keys: multi('emailLoose', 'emailLoose'), hashes: multiHashes('emailLoose', 'emailLoose') },
  { name: 'phone', keys: multi('phone', 'phone'), hashes: multiHashes('phone', 'phone') },
  { name: 'identifier', keys: multi('ident', 'ident'), hashes: multiHashes('ident', 'ident') },
  {
    name: 'emailLocalPart',
    keys: (v, i, out) => {
      const m = v.emailLocal;
      for (let k = m.off[i]!; k < m.off[i + 1]!; k++) {
        const s = v.tables.emailLocal.values[m.values[k]!]!;
        if (s.length >= 3) out.push(s);
      }
    },
    hashes: (v, i, out) => {
      const m = v.emailLocal;
      for (let k = m.off[i]!; k < m.off[i + 1]!; k++) {
        const s = v.tables.emailLocal.values[m.values[k]!]!;
        if (s.length >= 3) out.push(fnvStr(FNV0, s) >>> 0);
      }
    },
  },
  {
    name: 'birthDate+initials',
    keys: (v, i, out) => {
      const d = v.dob[i]!;
      if (!d) return;
      const f = nameOf(v, 'first', i), l = nameOf(v, 'last', i);
      if (f || l) out.push(`${d}|${pairKey(f.slice(0, 1), l.slice(0, 1))}`);
    },
    hashes: (v, i, out) => {
      const d = v.dob[i]!;
      if (!d) return;
      const f = nameOf(v, 'first', i), l = nameOf(v, 'last', i);
      if (f || l) out.push(fnvPair(fnvChar(fnvInt(FNV0, d), BAR), f.slice(0, 1), l.slice(0, 1)) >>> 0);
    },
  },
  {
    name: 'birthDate+surnameSoundex',
    keys: (v, i, out) => {
      const d = v.dob[i]!, l = nameOf(v, 'last', i);
      if (d && l) out.push(`${d}|${soundexOf(v, 'last', i)}`);
    },
    hashes: (v, i, out) => {
      const d = v.dob[i]!, l = nameOf(v, 'last', i);
      if (d && l) out.push(fnvStr(fnvChar(fnvInt(FNV0, d), BAR), soundexOf(v, 'last', i)) >>> 0);
    },
  },
  {
    name: 'birthDate+firstNameSoundex',
    keys: (v, i, out) => {
      const d = v.dob[i]!, f = nameOf(v, 'first', i);
      if (d && f) out.push(`${d}|${soundexOf(v, 'first', i)}`);
    },
    hashes: (v, i, out) => {
      const d = v.dob[i]!, f = nameOf(v, 'first', i);
      if (d && f) out.push(fnvStr(fnvChar(fnvInt(FNV0, d), BAR), soundexOf(v, 'first', i)) >>> 0);
    },
  },
  {
    name: 'city+surnameSoundex',
    capFactor: WEAK,
    keys: (v, i, out) => {
      const l = nameOf(v, 'last', i);
      if (l) for (const c of values(v, 'city', i)) out.push(`${c}|${soundexOf(v, 'last', i)}`);
    },
    hashes: (v, i, out) => {
      if (nameOf(v, 'last', i)) eachValue(v, 'city', i, (h) => out.push(fnvStr(h, soundexOf(v, 'last', i)) >>> 0));
    },
  },
  {
    name: 'city+firstNameSoundex',
    capFactor: WEAK,
    keys: (v, i, out) => {
      const f = nameOf(v, 'first', i);
      if (f) for (const c of values(v, 'city', i)) out.push(`${c}|${soundexOf(v, 'first', i)}`);
    },
    hashes: (v, i, out) => {
      if (nameOf(v, 'first', i)) eachValue(v, 'city', i, (h) => out.push(fnvStr(h, soundexOf(v, 'first', i)) >>> 0));
    },
  },
  {
    name: 'nameSoundex',
    capFactor: WEAK,
    keys: (v, i, out) => {
      const f = nameOf(v, 'first', i), l = nameOf(v, 'last', i);
      if (f && l) out.push(pairKey(soundexOf(v, 'first', i), soundexOf(v, 'last', i)));
    },
    hashes: (v, i, out) => {
      const f = nameOf(v, 'first', i), l = nameOf(v, 'last', i);
      if (f && l) out.push(fnvPair(FNV0, soundexOf(v, 'first', i), soundexOf(v, 'last', i)) >>> 0);
    },
  },
  {
    name: 'namePrefixes',
    capFactor: WEAK,
    keys: (v, i, out) => {
      const f = nameOf(v, 'first', i), l = nameOf(v, 'last', i);
      if (f && l) out.push(pairKey(f.slice(0, 3), l.slice(0, 3)));
    },
    hashes: (v, i, out) => {
      const f = nameOf(v, 'first', i), l = nameOf(v, 'last', i);
      if (f && l) out.push(fnvPair(FNV0, f.slice(0, 3), l.slice(0, 3)) >>> 0);
    },
  },
  {
    name: 'postcode+surnamePrefix',
    keys: (v, i, out) => {
      const l = nameOf(v, 'last', i);
      if (l) for (const p of values(v, 'postcode', i)) out.push(`${p}|${l.slice(0, 2)}`);
    },
    hashes: (v, i, out) => {
      const l = nameOf(v, 'last', i);
      if (l) eachValue(v, 'postcode', i, (h) => out.push(fnvPrefix(h, l, 2) >>> 0));
    },
  },
  {
    name: 'postcode+firstNamePrefix',
    keys: (v, i, out) => {
      const f = nameOf(v, 'first', i);
      if (f) for (const p of values(v, 'postcode', i)) out.push(`${p}|${f.slice(0, 2)}`);
    },
    hashes: (v, i, out) => {
      const f = nameOf(v, 'first', i);
      if (f) eachValue(v, 'postcode', i, (h) => out.push(fnvPrefix(h, f, 2) >>> 0));
    },
  },
  {
    name: 'street',
    keys: (v, i, out) => {
      const h = v.house, s = v.streetName;
      for (let k = h.off[i]!; k < h.off[i + 1]!; k++) {
        if (h.values[k]! < 0 || s.values[k]! < 0) continue;
        out.push(`${h.values[k]}|${v.tables.streetName.values[s.values[k]!]!.slice(0, 6)}`);
      }
    },
    hashes: (v, i, out) => {
      const h = v.house, s = v.streetName;
      for (let k = h.off[i]!; k < h.off[i + 1]!; k++) {
        if (h.values[k]! < 0 || s.values[k]! < 0) continue;
        out.push(fnvPrefix(fnvChar(fnvInt(FNV0, h.values[k]!), BAR), v.tables.streetName.values[s.values[k]!]!, 6) >>> 0);
      }
    },
  },
  {
    name: 'birthDate+postcode',
    keys: (v, i, out) => {
      const d = v.dob[i]!;
      if (d) for (const p of values(v, 'postcode', i)) out.push(`${d}|${p}`);
    },
    hashes: (v, i, out) => {
      const d = v.dob[i]!;
      if (!d) return;
      const m = v.postcode, vals = v.tables.postcode.values;
      for (let k = m.off[i]!; k < m.off[i + 1]!; k++) {
        if (m.values[k]! >= 0) out.push(fnvStr(fnvChar(fnvInt(FNV0, d), BAR), vals[m.values[k]!]!) >>> 0);
      }
    },
  },
  {
    name: 'birthDate+city',
    keys: (v, i, out) => {
      const d = v.dob[i]!;
      if (d) for (const c of values(v, 'city', i)) out.push(`${d}|${c}`);
    },
    hashes: (v, i, out) => {
      const d = v.dob[i]!;
      if (!d) return;
      const m = v.city, vals = v.tables.city.values;
      for (let k = m.off[i]!; k < m.off[i + 1]!; k++) {
        if (m.values[k]! >= 0) out.push(fnvStr(fnvChar(fnvInt(FNV0, d), BAR), vals[m.values[k]!]!) >>> 0);
      }
    },
  },
];

/** FNV-1a 32-bit (what `hashes` computes incrementally). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface CandidatePairs {
  /** Profile indices, a[k] < b[k], sorted by (a, b), no duplicates. */
  a: Uint32Array;
  b: Uint32Array;
  /**
   * Per rule: pairs generated (before de-duplication), the block size up to which blocks were compared in full, and
   * the blocks (and their profiles) above it, which were sub-blocked (sorted neighbourhood) instead.
   */
  rules: { name: string; pairs: number; cap: number; subBlocks: number; subBlockedProfiles: number }[];
  /** The comparisons' processing order of these pairs, when the blocking worker was asked to make it. */
  order?: PairOrder;
  /** Every rule's keys sorted by hash (blocks contiguous), when asked for (`keepKeys`: a saved key index, key-index.ts). */
  sortedKeys?: RuleKeys[];
}

/** One rule's blocking keys: key hashes and the profile index of each, in ascending profile order. */
export interface RuleKeys {
  hash: Uint32Array;
  idx: Uint32Array;
}

/** Blocking keys of every rule for the profiles of `v`, with profile indices offset by `base`. */
export function ruleKeys(v: View, rules = BLOCKING_RULES, base = 0): RuleKeys[] {
  const out = rules.map((rule) => {
    const hash = new U32List(), idx = new U32List();
    for (let i = 0; i < v.n; i++) {
      // The rule pushes straight into `hash`; each new entry gets the profile's index.
      const h0 = hash.length;
      rule.hashes(v, i, hash);
      for (let k = h0; k < hash.length; k++) idx.push(base + i);
    }
    return { hash: hash.toArray(), idx: idx.toArray() };
  });
  lastView = lastPrefixes = lastSoundex = undefined;
  return out;
}

/** Concatenates per-rule keys of consecutive chunks (in chunk order, so profile indices stay ascending). */
export function concatRuleKeys(chunks: RuleKeys[][], nRules: number): RuleKeys[] {
  const out: RuleKeys[] = [];
  for (let r = 0; r < nRules; r++) {
    let len = 0;
    for (const c of chunks) len += c[r]!.hash.length;
    const hash = new Uint32Array(len), idx = new Uint32Array(len);
    let o = 0;
    for (const c of chunks) {
      hash.set(c[r]!.hash, o);
      idx.set(c[r]!.idx, o);
      o += c[r]!.hash.length;
    }
    out.push({ hash, idx });
  }
  return out;
}

/** Stable LSD radix sort of (hash, idx) entries by hash, two 16-bit passes. */
export function sortByHash(k: RuleKeys): RuleKeys {
  const n = k.hash.length;
  let h: Uint32Array = k.hash, x: Uint32Array = k.idx;
  let h2: Uint32Array = new Uint32Array(n), x2: Uint32Array = new Uint32Array(n);
  const count = new Uint32Array(65537);
  for (const shift of [0, 16]) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[((h[i]! >>> shift) & 0xffff) + 1]!++;
    for (let d = 0; d < 65536; d++) count[d + 1]! += count[d]!;
    for (let i = 0; i < n; i++) {
      const p = count[(h[i]! >>> shift) & 0xffff]!++;
      h2[p] = h[i]!;
      x2[p] = x[i]!;
    }
    [h, h2] = [h2, h];
    [x, x2] = [x2, x];
  }
  return { hash: h, idx: x };
}

/** What the sub-blocking order needs: name ids, birth dates, and the alphabetical rank of every name id. */
export interface HoodInput {
  first: Int32Array;
  last: Int32Array;
  dob: Int32Array;
  nameRank: Uint32Array;
}

const hoodInputs = new WeakMap<View, HoodInput>();
/** Cached per view: blocking and the comparisons' locality order both need it (a sort of every distinct name). */
export function hoodInputOf(v: View): HoodInput {
  let h = hoodInputs.get(v);
  if (!h) hoodInputs.set(v, (h = computeHoodInput(v)));
  return h;
}

function computeHoodInput(v: View): HoodInput {
  const names = v.tables.name.values;
  const byName = Array.from(names.keys()).sort((x, y) => (names[x]! < names[y]! ? -1 : names[x]! > names[y]! ? 1 : 0));
  const nameRank = new Uint32Array(names.length);
  for (let r = 0; r < byName.length; r++) nameRank[byName[r]!] = r + 1;
  return { first: v.first, last: v.last, dob: v.dob, nameRank };
}

/** Sub-blocking order: profiles sorted by (last name, first name, birth year and month), computed once on demand. */
export function neighbourhoodOrder(h: HoodInput, n: number): { order: Uint32Array; perm: Uint32Array } {
  const last = new Uint32Array(n), first = new Uint32Array(n), dob = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    last[i] = h.last[i]! >= 0 ? h.nameRank[h.last[i]!]! : 0;
    first[i] = h.first[i]! >= 0 ? h.nameRank[h.first[i]!]! : 0;
    const d = h.dob[i]!;
    dob[i] = d ? Math.floor(d / 10000) * 12 + (Math.floor(d / 100) % 100) : 0;
  }
  let perm: Uint32Array = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let tmp: Uint32Array = new Uint32Array(n);
  const bits = Math.max(1, Math.ceil(Math.log2(h.nameRank.length + 2)));
  // LSD: least significant key first; 11-bit digits.
  for (const [key, keyBits] of [[dob, 16], [first, bits], [last, bits]] as const) {
    for (let shift = 0; shift < keyBits; shift += 11) {
      const count = new Uint32Array(2049);
      for (let k = 0; k < n; k++) count[((key[perm[k]!]! >>> shift) & 0x7ff) + 1]!++;
      for (let d = 0; d < 2048; d++) count[d + 1]! += count[d]!;
      for (let k = 0; k < n; k++) tmp[count[(key[perm[k]!]! >>> shift) & 0x7ff]!++] = perm[k]!;
      [perm, tmp] = [tmp, perm];
    }
  }
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[perm[k]!] = k;
  return { order, perm };
}

/**
 * The sub-blocking order in shared memory, for a view whose pairs are made on the blocking worker: resolve's main
 * thread computes it first thing while the worker starts (the comparisons' renumbering is the same order) and the
 * worker uses it from then on instead of computing it again; before it is ready the worker computes its own.
 */
export interface SharedHoodOrder {
  /** 1 once order and perm are written. */
  ready: Int32Array;
  order: Uint32Array;
  perm: Uint32Array;
}

const sharedHoodOrders = new WeakMap<View, SharedHoodOrder>();

function sharedHoodOrderOf(v: View): SharedHoodOrder {
  let s = sharedHoodOrders.get(v);
  if (!s) {
    const u32 = () => new Uint32Array(new SharedArrayBuffer(Math.max(4, v.n * 4))).subarray(0, v.n);
    sharedHoodOrders.set(v, (s = { ready: new Int32Array(new SharedArrayBuffer(4)), order: u32(), perm: u32() }));
  }
  return s;
}

/** The published order, if ready. */
export function readyHoodOrder(s: SharedHoodOrder | undefined): { order: Uint32Array; perm: Uint32Array } | undefined {
  return s && Atomics.load(s.ready, 0) === 1 ? { order: s.order, perm: s.perm } : undefined;
}

/** neighbourhoodOrder of the view, published to a blocking worker making its pairs (see SharedHoodOrder). */
export function publishedHoodOrder(v: View): { order: Uint32Array; perm: Uint32Array } {
  const s = sharedHoodOrderOf(v);
  const ready = readyHoodOrder(s);
  if (ready) return ready;
  const h = neighbourhoodOrder(hoodInputOf(v), v.n);
  s.order.set(h.order);
  s.perm.set(h.perm);
  Atomics.store(s.ready, 0, 1);
  return { order: s.order, perm: s.perm };
}

export interface BlockingLimits {
  /** Largest block compared in full (broad rules: times their capFactor). */
  maxBlockSize: number;
  /**
   * Size-aware cap: a rule's full blocks may produce at most this many pairs per profile in the population; the cap
   * drops (never below `minFullBlock`) until they fit. Infinity = the fixed cap only.
   */
  pairsPerProfile: number;
  /** Blocks up to this size are always compared in full. */
  minFullBlock: number;
  /** Larger blocks are sub-blocked: each member is paired with the next `window − 1` in neighbourhood order. 0 = skipped. */
  window: number;
}

export const DEFAULT_LIMITS: Omit<BlockingLimits, 'maxBlockSize'> = { pairsPerProfile: Infinity, minFullBlock: 2, window: 0 };

/** The largest block size whose blocks, with all smaller ones, stay within `budget` pairs (sizes: block sizes). */
function sizeAwareCap(sizes: Uint32Array, nBlocks: number, cap: number, minFull: number, budget: number): number {
  if (!Number.isFinite(budget)) return cap;
  const pairsAt = new Float64Array(cap + 1);
  for (let k = 0; k < nBlocks; k++) if (sizes[k]! <= cap) pairsAt[sizes[k]!]! += (sizes[k]! * (sizes[k]! - 1)) / 2;
  let total = 0;
  let c = 1;
  for (let s = 2; s <= cap; s++) {
    total += pairsAt[s]!;
    if (total > budget && s > minFull) break;
    c = s;
  }
  return c;
}

export function candidatePairs(
  v: View, maxBlockSize: number | BlockingLimits, rules = BLOCKING_RULES, keys?: RuleKeys[], keepKeys = false,
): CandidatePairs {
  const limits: BlockingLimits = typeof maxBlockSize === 'number' ? { ...DEFAULT_LIMITS, maxBlockSize } : maxBlockSize;
  return pairsFromKeys(v.n, keys ?? ruleKeys(v, rules), rules, limits, () => hoodInputOf(v), {}, keepKeys);
}

export interface HoodMemo {
  hood?: { order: Uint32Array; perm: Uint32Array };
  published?: () => { order: Uint32Array; perm: Uint32Array } | undefined;
}

/** The rule properties pair generation needs (what crosses to the blocking worker). */
export type RuleShape = Pick<BlockingRule, 'name' | 'capFactor' | 'budgetFactor' | 'window'>;

/**
 * Candidate pairs from every rule's keys (consumed: each rule's arrays are released once its pairs are made).
 * `memo.hood`: the sub-blocking order, left there if it was computed (the blocking worker reuses it); `memo.published`:
 * where to look for it first (the blocking worker: the main thread's, see SharedHoodOrder).
 */
export function pairsFromKeys(
  n: number, allKeys: RuleKeys[], rules: RuleShape[], limits: BlockingLimits, hoodInput: () => HoodInput,
  memo: HoodMemo = {}, keepKeys = false,
): CandidatePairs {
  const pa = new U32List(), pb = new U32List();
  const stats: CandidatePairs['rules'] = [];
  const members = new U32List();
  const sortedKeys: RuleKeys[] = [];
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!;
    const { hash, idx } = sortByHash(allKeys[r]!);
    allKeys[r] = { hash: new Uint32Array(0), idx: new Uint32Array(0) };
    if (keepKeys) sortedKeys.push({ hash, idx });
    const ne = hash.length;
    // Block boundaries and sizes.
    const starts = new U32List();
    for (let s = 0; s < ne; ) {
      let e = s + 1;
      while (e < ne && hash[e] === hash[s]) e++;
      starts.push(s);
      s = e;
    }
    const nb = starts.length;
    starts.push(ne);
    const sizes = new Uint32Array(nb);
    for (let k = 0; k < nb; k++) sizes[k] = starts.data[k + 1]! - starts.data[k]!;
    const hardCap = Math.max(2, Math.floor(limits.maxBlockSize * (rule.capFactor ?? 1)));
    const cap = sizeAwareCap(sizes, nb, hardCap, limits.minFullBlock, limits.pairsPerProfile * (rule.budgetFactor ?? 1) * n);
    let rulePairs = 0, subBlocks = 0, subBlockedProfiles = 0;
    for (let k = 0; k < nb; k++) {
      const s = starts.data[k]!, e = starts.data[k + 1]!;
      const size = e - s;
      if (size < 2) continue;
      if (size <= cap) {
        for (let x = s; x < e; x++) {
          const i = idx[x]!;
          for (let y = x + 1; y < e; y++) {
            const j = idx[y]!;
            if (i === j) continue; // a profile with two keys of one hash (a collision)
            pa.push(i < j ? i : j);
            pb.push(i < j ? j : i);
            rulePairs++;
          }
        }
        continue;
      }
      subBlocks++;
      subBlockedProfiles += size;
      const window = rule.window ?? limits.window;
      if (window < 2) continue;
      const hood = (memo.hood ??= memo.published?.() ?? neighbourhoodOrder(hoodInput(), n));
      members.length = 0;
      for (let x = s; x < e; x++) members.push(hood.order[idx[x]!]!);
      const m = members.data.subarray(0, members.length).sort();
      for (let x = 0; x < m.length; x++) {
        const i = hood.perm[m[x]!]!;
        for (let y = x + 1; y < m.length && y < x + window; y++) {
          const j = hood.perm[m[y]!]!;
          if (i === j) continue;
          pa.push(i < j ? i : j);
          pb.push(i < j ? j : i);
          rulePairs++;
        }
      }
    }
    stats.push({ name: rule.name, pairs: rulePairs, cap, subBlocks, subBlockedProfiles });
  }
  const { a, b } = dedupPairs(pa, pb, n);
  return { a, b, rules: stats, ...(keepKeys ? { sortedKeys } : {}) };
}

/** Distinct pairs sorted by (a, b): a counting sort by a, then each a's short run of b sorted and de-duplicated. */
function dedupPairs(pa: U32List, pb: U32List, n: number): { a: Uint32Array; b: Uint32Array } {
  const np = pa.length;
  const A = pa.data, B = pb.data;
  const start = new Uint32Array(n + 1);
  for (let k = 0; k < np; k++) start[A[k]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const pos = start.slice(0, n);
  const bs = new Uint32Array(np);
  for (let k = 0; k < np; k++) bs[pos[A[k]!]!++] = B[k]!;
  pa.data = new Uint32Array(0);
  pb.data = new Uint32Array(0);
  let u = 0;
  for (let i = 0; i < n; i++) {
    const s = start[i]!, e = start[i + 1]!;
    if (e - s > 16) bs.subarray(s, e).sort();
    else {
      for (let x = s + 1; x < e; x++) {
        const val = bs[x]!;
        let y = x - 1;
        while (y >= s && bs[y]! > val) {
          bs[y + 1] = bs[y]!;
          y--;
        }
        bs[y + 1] = val;
      }
    }
    let c = 0;
    let prev = -1;
    for (let x = s; x < e; x++) {
      const val = bs[x]!;
      if (val === prev) continue;
      bs[u++] = prev = val;
      c++;
    }
    pos[i] = c;
  }
  const a = new Uint32Array(u);
  const b = bs.slice(0, u);
  let o = 0;
  for (let i = 0; i < n; i++) for (let c = pos[i]!; c > 0; c--) a[o++] = i;
  return { a, b };
}

/** From this many profiles on, pair generation runs on a worker thread (see blocking-worker.ts). */
export const WORKER_MIN_PROFILES = 200_000;

/**
 * Pair-generation workers. One: at 400k profiles two workers (each starting under the TypeScript loader, each
 * computing the sub-blocking order) took 4.5–4.9 s of CPU and more wall time than one worker's 1.8–3.2 s.
 */
export const BLOCKING_THREADS = 1;

/**
 * candidatePairs on worker threads for large inputs (same result); `keys` are transferred to them. The rules are
 * split into `threads` groups of about equal key counts, each worker makes and de-duplicates its rules' pairs, and
 * the sorted lists are merged here (pairs several rules found are kept once, as in one pass).
 */
export async function candidatePairsOffThread(
  v: View, limits: BlockingLimits, keys: RuleKeys[] | undefined, useWorker: boolean, rules = BLOCKING_RULES,
  minProfiles = WORKER_MIN_PROFILES, threads = BLOCKING_THREADS, orderMinPairs = Infinity, keepKeys = false,
): Promise<CandidatePairs> {
  if (!useWorker || v.n < minProfiles) return candidatePairs(v, limits, rules, keys, keepKeys);
  const allKeys = keys ?? ruleKeys(v, rules);
  const hood = hoodInputOf(v);
  const hoodOrder = sharedHoodOrderOf(v);
  // Greedy split: largest rules first, each to the group with fewer keys so far.
  const groups: number[][] = Array.from({ length: Math.max(1, Math.min(threads, rules.length)) }, () => []);
  const load = new Float64Array(groups.length);
  const bySize = rules.map((_, r) => r).sort((x, y) => allKeys[y]!.hash.length - allKeys[x]!.hash.length || x - y);
  for (const r of bySize) {
    let g = 0;
    for (let k = 1; k < groups.length; k++) if (load[k]! < load[g]!) g = k;
    groups[g]!.push(r);
    load[g]! += allKeys[r]!.hash.length;
  }
  const parts = await Promise.all(groups.map(async (group) => {
    group.sort((x, y) => x - y);
    const groupKeys = group.map((r) => allKeys[r]!);
    const transfer: ArrayBuffer[] = [];
    for (const k of groupKeys) transfer.push(k.hash.buffer as ArrayBuffer, k.idx.buffer as ArrayBuffer);
    const worker = startWorker(import.meta.url, './blocking-worker.js', {
      workerData: {
        n: v.n, keys: groupKeys, rules: group.map((r) => ({ name: rules[r]!.name, capFactor: rules[r]!.capFactor, budgetFactor: rules[r]!.budgetFactor, window: rules[r]!.window })),
        limits, hood, hoodOrder,
        // With one worker its pairs are the result: it also makes their processing order (pair-order.ts), from the
        // sub-blocking order it has already computed, instead of the main thread afterwards.
        orderMinPairs: groups.length === 1 ? orderMinPairs : Infinity,
        keepKeys,
      },
      transferList: transfer,
    });
    try {
      const result = await new Promise<CandidatePairs>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`blocking worker exited with ${code}`)));
      });
      return { group, result };
    } finally {
      void worker.terminate();
    }
  })).finally(() => sharedHoodOrders.delete(v));
  const stats: CandidatePairs['rules'] = new Array(rules.length);
  for (const { group, result } of parts) group.forEach((r, k) => (stats[r] = result.rules[k]!));
  let merged = { a: parts[0]!.result.a, b: parts[0]!.result.b };
  for (let k = 1; k < parts.length; k++) merged = mergePairs(merged, parts[k]!.result);
  const order = parts.length === 1 ? parts[0]!.result.order : undefined;
  let sortedKeys: RuleKeys[] | undefined;
  if (keepKeys) {
    sortedKeys = new Array<RuleKeys>(rules.length);
    for (const { group, result } of parts) group.forEach((r, k) => (sortedKeys![r] = result.sortedKeys![k]!));
  }
  return { a: merged.a, b: merged.b, rules: stats, ...(order ? { order } : {}), ...(sortedKeys ? { sortedKeys } : {}) };
}

/** Union of two pair lists, each sorted by (a, b) without duplicates: the same, merged. */
export function mergePairs(x: { a: Uint32Array; b: Uint32Array }, y: { a: Uint32Array; b: Uint32Array }): { a: Uint32Array; b: Uint32Array } {
  // Counted first, so the output is allocated once at its size (at a million profiles each array is ~50 MB).
  const size = mergeInto(x, y, undefined, undefined);
  const a = new Uint32Array(size), b = new Uint32Array(size);
  mergeInto(x, y, a, b);
  return { a, b };
}

function mergeInto(
  x: { a: Uint32Array; b: Uint32Array }, y: { a: Uint32Array; b: Uint32Array }, a: Uint32Array | undefined,
  b: Uint32Array | undefined,
): number {
  const nx = x.a.length, ny = y.a.length;
  let i = 0, j = 0, o = 0;
  while (i < nx && j < ny) {
    const xa = x.a[i]!, ya = y.a[j]!, xb = x.b[i]!, yb = y.b[j]!;
    if (xa < ya || (xa === ya && xb <= yb)) {
      if (a && b) {
        a[o] = xa;
        b[o] = xb;
      }
      i++;
      if (xa === ya && xb === yb) j++;
    } else {
      if (a && b) {
        a[o] = ya;
        b[o] = yb;
      }
      j++;
    }
    o++;
  }
  for (; i < nx; i++, o++) {
    if (a && b) {
      a[o] = x.a[i]!;
      b[o] = x.b[i]!;
    }
  }
  for (; j < ny; j++, o++) {
    if (a && b) {
      a[o] = y.a[j]!;
      b[o] = y.b[j]!;
    }
  }
  return o;
}
