/**
 * Blocking: a union of rules, each giving every profile zero or more keys; profiles sharing a key become candidate
 * pairs. Pairs found by several rules are kept once. Skew protection: a key shared by more than `maxBlockSize`
 * profiles (a shared company email, a call-centre phone, "John Smith") produces no pairs — the other rules still
 * see those profiles (cf. AWS skipping values shared by more than 500 profiles).
 */
import type { View } from './compare.js';

export interface BlockingRule {
  name: string;
  /** Broad rules (names, cities) get a fraction of the block-size cap, so they stay cheap at millions of profiles. */
  capFactor?: number;
  keys(v: View, i: number, out: string[]): void;
  /**
   * The same keys as `keys`, pushed directly as hash32(key), computed from the key's parts without building the
   * string (blocking's hot loop: a template string per profile and rule, then hashing it, was most of its time).
   * Must equal keys() hashed — test/engine/blocking.test.ts checks it on every rule.
   */
  hashes(v: View, i: number, out: number[]): void;
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
function eachValue(v: View, col: 'postcode' | 'city', i: number, emit: (h: number) => void): void {
  let caches = prefixCache.get(v);
  if (!caches) prefixCache.set(v, (caches = {}));
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
  let cache = soundexCache.get(v);
  if (!cache) soundexCache.set(v, (cache = new Array<string>(v.tables.name.values.length)));
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
  /** Per rule: pairs generated (before de-duplication) and blocks skipped for size. */
  rules: { name: string; pairs: number; skippedBlocks: number; skippedProfiles: number }[];
}

export function candidatePairs(v: View, maxBlockSize: number, rules = BLOCKING_RULES): CandidatePairs {
  const n = v.n;
  const idxBits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const hashMod = 2 ** Math.min(32, 53 - idxBits);
  const scale = 2 ** idxBits;
  let pairs = new Float64Array(1 << 16);
  let np = 0;
  const stats: CandidatePairs['rules'] = [];
  const keys: number[] = [];
  for (const rule of rules) {
    const cap = Math.max(2, Math.floor(maxBlockSize * (rule.capFactor ?? 1)));
    let entries = new Float64Array(Math.max(16, n));
    let ne = 0;
    for (let i = 0; i < n; i++) {
      keys.length = 0;
      rule.hashes(v, i, keys);
      for (const k of keys) {
        if (ne === entries.length) {
          const e = new Float64Array(entries.length * 2);
          e.set(entries);
          entries = e;
        }
        entries[ne++] = (k % hashMod) * scale + i;
      }
    }
    const sorted = entries.subarray(0, ne).sort();
    let rulePairs = 0, skippedBlocks = 0, skippedProfiles = 0;
    for (let s = 0; s < ne; ) {
      const h = Math.floor(sorted[s]! / scale);
      let e = s + 1;
      while (e < ne && Math.floor(sorted[e]! / scale) === h) e++;
      const size = e - s;
      if (size > cap) {
        skippedBlocks++;
        skippedProfiles += size;
      } else if (size > 1) {
        const need = np + (size * (size - 1)) / 2;
        if (need > pairs.length) {
          const p = new Float64Array(Math.max(need, pairs.length * 2));
          p.set(pairs.subarray(0, np));
          pairs = p;
        }
        for (let x = s; x < e; x++) {
          const i = sorted[x]! % scale;
          for (let y = x + 1; y < e; y++) {
            const j = sorted[y]! % scale;
            if (i === j) continue;
            pairs[np++] = i < j ? i * n + j : j * n + i;
            rulePairs++;
          }
        }
      }
      s = e;
    }
    stats.push({ name: rule.name, pairs: rulePairs, skippedBlocks, skippedProfiles });
  }
  const all = pairs.subarray(0, np).sort();
  let u = 0;
  for (let k = 0; k < np; k++) if (k === 0 || all[k] !== all[k - 1]) all[u++] = all[k]!;
  const a = new Uint32Array(u);
  const b = new Uint32Array(u);
  for (let k = 0; k < u; k++) {
    const x = all[k]!;
    a[k] = Math.floor(x / n);
    b[k] = x - a[k]! * n;
  }
  return { a, b, rules: stats };
}
