/**
 * Every blocking rule's key hashes for a normalize chunk in one pass over its profiles — the same hashes as
 * ruleKeys(BLOCKING_RULES) computes rule by rule (blocking.ts), cheaper: a profile's names and birth-date prefix are
 * read once for all rules, and keys that are a whole value (email, phone, identifier, email local part) or start
 * with one (city, postcode) continue from the value's FNV-1a hash the interner already computed, instead of reading
 * its characters again. Self-checked: the first chunk a thread sees is also keyed by ruleKeys over its first
 * profiles, and on any difference (the rules were changed without this file) the thread uses ruleKeys from then on.
 */
import { BLOCKING_RULES, ruleKeys, soundex, type RuleKeys } from './blocking.js';
import type { View } from './compare.js';
import { U32List } from './intern.js';

const FUSED_RULES = [
  'email', 'phone', 'identifier', 'emailLocalPart', 'birthDate+initials', 'birthDate+surnameSoundex',
  'birthDate+firstNameSoundex', 'city+surnameSoundex', 'city+firstNameSoundex', 'nameSoundex', 'namePrefixes',
  'postcode+surnamePrefix', 'postcode+firstNamePrefix', 'street', 'birthDate+postcode', 'birthDate+city',
];
let usable = BLOCKING_RULES.length === FUSED_RULES.length && BLOCKING_RULES.every((r, k) => r.name === FUSED_RULES[k]);
let checked = false;
const CHECKED_PROFILES = 2000;

// FNV-1a 32-bit, continued (as blocking.ts's helpers).
const FNV0 = 0x811c9dc5 | 0;
const BAR = 124;
function fnvStr(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
function fnvPrefix(h: number, s: string, len: number): number {
  for (let i = 0; i < len && i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
function fnvInt(h: number, x: number): number {
  let p = 1;
  while (p * 10 <= x) p *= 10;
  for (; p >= 1; p /= 10) h = Math.imul(h ^ (48 + (Math.floor(x / p) % 10)), 0x01000193);
  return h;
}
/** Hash of `${min}|${max}` of the two strings' first `len` characters, continued from h (blocking.ts's pairKey). */
function fnvPairPrefix(h: number, x: string, y: string, len: number): number {
  const lx = x.length < len ? x.length : len, ly = y.length < len ? y.length : len;
  let xFirst = lx <= ly; // x's prefix < y's prefix when it is a proper prefix of it; equal prefixes hash alike
  for (let i = 0; i < lx && i < ly; i++) {
    const a = x.charCodeAt(i), b = y.charCodeAt(i);
    if (a !== b) {
      xFirst = a < b;
      break;
    }
  }
  return xFirst
    ? fnvPrefix(Math.imul(fnvPrefix(h, x, len) ^ BAR, 0x01000193), y, len)
    : fnvPrefix(Math.imul(fnvPrefix(h, y, len) ^ BAR, 0x01000193), x, len);
}
function fnvPair(h: number, x: string, y: string): number {
  return x < y ? fnvStr(Math.imul(fnvStr(h, x) ^ BAR, 0x01000193), y) : fnvStr(Math.imul(fnvStr(h, y) ^ BAR, 0x01000193), x);
}

/** False once the self-check found a difference from ruleKeys (or the rules are not the ones this file knows). */
export function fusedKeysInUse(): boolean {
  return usable;
}

/**
 * The keys of every rule for the chunk `v`; `hashes` holds each table's value hashes (interleaved first / second,
 * valueHashes), whose first is FNV-1a of the value.
 */
export function chunkRuleKeys(v: View, hashes: Record<string, Uint32Array>): RuleKeys[] {
  if (!usable) return ruleKeys(v);
  const keys = fusedKeys(v, hashes);
  if (!checked) {
    checked = true;
    const expected = ruleKeys({ ...v, n: Math.min(v.n, CHECKED_PROFILES) });
    usable = expected.every((e, r) => {
      const k = keys[r]!;
      if (k.hash.length < e.hash.length) return false;
      for (let j = 0; j < e.hash.length; j++) if (k.hash[j] !== e.hash[j] || k.idx[j] !== e.idx[j]) return false;
      return k.hash.length === e.hash.length || k.idx[e.hash.length]! >= CHECKED_PROFILES;
    });
    if (!usable) return ruleKeys(v);
  }
  return keys;
}

type Lists = { hash: U32List; idx: U32List };
type MultiCol = View['email'];

/**
 * One small function per group of rules, each a plain loop over the chunk: one function doing every rule took
 * TurboFan ~300 ms to compile (several times per thread, with on-stack replacement and re-optimizations).
 */
function fusedKeys(v: View, hashes: Record<string, Uint32Array>): RuleKeys[] {
  const out: Lists[] = FUSED_RULES.map(() => ({ hash: new U32List(), idx: new U32List() }));
  const names = v.tables.name.values;
  const sx: string[] = new Array<string>(names.length);
  for (let id = 0; id < names.length; id++) sx[id] = soundex(names[id]!);
  wholeValues(v.n, v.emailLoose, hashes.emailLoose!, out[0]!);
  wholeValues(v.n, v.phone, hashes.phone!, out[1]!);
  wholeValues(v.n, v.ident, hashes.ident!, out[2]!);
  emailLocalKeys(v, hashes.emailLocal!, out[3]!);
  birthDateNameKeys(v, sx, out[4]!, out[5]!, out[6]!);
  valueSoundexKeys(v, v.last, v.city, hashes.city!, sx, out[7]!);
  valueSoundexKeys(v, v.first, v.city, hashes.city!, sx, out[8]!);
  nameKeys(v, sx, out[9]!, out[10]!);
  valuePrefixKeys(v, v.last, v.postcode, hashes.postcode!, out[11]!);
  valuePrefixKeys(v, v.first, v.postcode, hashes.postcode!, out[12]!);
  streetKeys(v, out[13]!);
  birthDateValueKeys(v, v.postcode, v.tables.postcode.values, out[14]!);
  birthDateValueKeys(v, v.city, v.tables.city.values, out[15]!);
  return out.map((l) => ({ hash: l.hash.toArray(), idx: l.idx.toArray() }));
}

function add(l: Lists, h: number, i: number): void {
  l.hash.push(h >>> 0);
  l.idx.push(i);
}

/** Keys that are a whole value: its FNV-1a hash. */
function wholeValues(n: number, m: MultiCol, h: Uint32Array, out: Lists): void {
  for (let i = 0; i < n; i++) for (let k = m.off[i]!; k < m.off[i + 1]!; k++) add(out, h[2 * m.values[k]!]!, i);
}

function emailLocalKeys(v: View, h: Uint32Array, out: Lists): void {
  const m = v.emailLocal, locals = v.tables.emailLocal.values;
  for (let i = 0; i < v.n; i++) {
    for (let k = m.off[i]!; k < m.off[i + 1]!; k++) {
      const id = m.values[k]!;
      if (locals[id]!.length >= 3) add(out, h[2 * id]!, i);
    }
  }
}

/** Hash of `${d}|`. */
function datePrefix(d: number): number {
  return Math.imul(fnvInt(FNV0, d) ^ BAR, 0x01000193);
}

function birthDateNameKeys(v: View, sx: string[], initials: Lists, lastSx: Lists, firstSx: Lists): void {
  const names = v.tables.name.values;
  for (let i = 0; i < v.n; i++) {
    const d = v.dob[i]!;
    if (!d) continue;
    const f = v.first[i]!, l = v.last[i]!;
    const dp = datePrefix(d);
    if (f >= 0 || l >= 0) add(initials, fnvPairPrefix(dp, f >= 0 ? names[f]! : '', l >= 0 ? names[l]! : '', 1), i);
    if (l >= 0) add(lastSx, fnvStr(dp, sx[l]!), i);
    if (f >= 0) add(firstSx, fnvStr(dp, sx[f]!), i);
  }
}

/** `${value}|${soundex(name)}` for each value of the profile (city). */
function valueSoundexKeys(v: View, name: Int32Array, m: MultiCol, h: Uint32Array, sx: string[], out: Lists): void {
  for (let i = 0; i < v.n; i++) {
    const nm = name[i]!;
    if (nm < 0) continue;
    for (let k = m.off[i]!; k < m.off[i + 1]!; k++) {
      const id = m.values[k]!;
      if (id >= 0) add(out, fnvStr(Math.imul(h[2 * id]! ^ BAR, 0x01000193), sx[nm]!), i);
    }
  }
}

/** `${value}|${name.slice(0, 2)}` for each value of the profile (postcode). */
function valuePrefixKeys(v: View, name: Int32Array, m: MultiCol, h: Uint32Array, out: Lists): void {
  const names = v.tables.name.values;
  for (let i = 0; i < v.n; i++) {
    const nm = name[i]!;
    if (nm < 0) continue;
    for (let k = m.off[i]!; k < m.off[i + 1]!; k++) {
      const id = m.values[k]!;
      if (id >= 0) add(out, fnvPrefix(Math.imul(h[2 * id]! ^ BAR, 0x01000193), names[nm]!, 2), i);
    }
  }
}

function nameKeys(v: View, sx: string[], soundexPair: Lists, prefixPair: Lists): void {
  const names = v.tables.name.values;
  for (let i = 0; i < v.n; i++) {
    const f = v.first[i]!, l = v.last[i]!;
    if (f < 0 || l < 0) continue;
    add(soundexPair, fnvPair(FNV0, sx[f]!, sx[l]!), i);
    add(prefixPair, fnvPairPrefix(FNV0, names[f]!, names[l]!, 3), i);
  }
}

function streetKeys(v: View, out: Lists): void {
  const h = v.house, s = v.streetName, streetNames = v.tables.streetName.values;
  for (let i = 0; i < v.n; i++) {
    for (let k = h.off[i]!; k < h.off[i + 1]!; k++) {
      const hn = h.values[k]!, sn = s.values[k]!;
      if (hn >= 0 && sn >= 0) add(out, fnvPrefix(Math.imul(fnvInt(FNV0, hn) ^ BAR, 0x01000193), streetNames[sn]!, 6), i);
    }
  }
}

/** `${birth date}|${value}` for each value of the profile (postcode, city). */
function birthDateValueKeys(v: View, m: MultiCol, values: string[], out: Lists): void {
  for (let i = 0; i < v.n; i++) {
    const d = v.dob[i]!;
    if (!d || m.off[i + 1]! === m.off[i]!) continue;
    const dp = datePrefix(d);
    for (let k = m.off[i]!; k < m.off[i + 1]!; k++) {
      const id = m.values[k]!;
      if (id >= 0) add(out, fnvStr(dp, values[id]!), i);
    }
  }
}
