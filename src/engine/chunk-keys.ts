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
  const lx = Math.min(len, x.length), ly = Math.min(len, y.length);
  let xFirst = lx <= ly; // x's prefix < y's prefix when it is a proper prefix of it; equal prefixes hash alike
  for (let i = 0; i < lx && i < ly; i++) {
    const a = x.charCodeAt(i), b = y.charCodeAt(i);
    if (a !== b) {
      xFirst = a < b;
      break;
    }
  }
  const [s, t] = xFirst ? [x, y] : [y, x];
  return fnvPrefix(Math.imul(fnvPrefix(h, s, len) ^ BAR, 0x01000193), t, len);
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

function fusedKeys(v: View, hashes: Record<string, Uint32Array>): RuleKeys[] {
  const hash = FUSED_RULES.map(() => new U32List()), idx = FUSED_RULES.map(() => new U32List());
  const push = (r: number, h: number, i: number) => {
    hash[r]!.push(h >>> 0);
    idx[r]!.push(i);
  };
  const names = v.tables.name.values, locals = v.tables.emailLocal.values, streetNames = v.tables.streetName.values;
  const postcodes = v.tables.postcode.values, cities = v.tables.city.values;
  const hEmail = hashes.emailLoose!, hPhone = hashes.phone!, hIdent = hashes.ident!, hLocal = hashes.emailLocal!;
  const hCity = hashes.city!, hPostcode = hashes.postcode!;
  const sx: string[] = new Array<string>(names.length);
  const soundexOf = (id: number): string => (sx[id] ??= soundex(names[id]!));
  const { first, last, dob, emailLoose, emailLocal, phone, ident, city, postcode, house, streetName } = v;
  for (let i = 0; i < v.n; i++) {
    for (let k = emailLoose.off[i]!; k < emailLoose.off[i + 1]!; k++) push(0, hEmail[2 * emailLoose.values[k]!]!, i);
    for (let k = phone.off[i]!; k < phone.off[i + 1]!; k++) push(1, hPhone[2 * phone.values[k]!]!, i);
    for (let k = ident.off[i]!; k < ident.off[i + 1]!; k++) push(2, hIdent[2 * ident.values[k]!]!, i);
    for (let k = emailLocal.off[i]!; k < emailLocal.off[i + 1]!; k++) {
      const id = emailLocal.values[k]!;
      if (locals[id]!.length >= 3) push(3, hLocal[2 * id]!, i);
    }
    const f = first[i]!, l = last[i]!, d = dob[i]!;
    const fs = f >= 0 ? names[f]! : '', ls = l >= 0 ? names[l]! : '';
    const dp = d ? Math.imul(fnvInt(FNV0, d) ^ BAR, 0x01000193) : 0; // hash of `${d}|`
    if (d) {
      if (fs || ls) push(4, fnvPairPrefix(dp, fs, ls, 1), i);
      if (ls) push(5, fnvStr(dp, soundexOf(l)), i);
      if (fs) push(6, fnvStr(dp, soundexOf(f)), i);
    }
    const c0 = city.off[i]!, c1 = city.off[i + 1]!;
    if (ls) {
      for (let k = c0; k < c1; k++) {
        const id = city.values[k]!;
        if (id >= 0) push(7, fnvStr(Math.imul(hCity[2 * id]! ^ BAR, 0x01000193), soundexOf(l)), i);
      }
    }
    if (fs) {
      for (let k = c0; k < c1; k++) {
        const id = city.values[k]!;
        if (id >= 0) push(8, fnvStr(Math.imul(hCity[2 * id]! ^ BAR, 0x01000193), soundexOf(f)), i);
      }
    }
    if (fs && ls) {
      push(9, fnvPair(FNV0, soundexOf(f), soundexOf(l)), i);
      push(10, fnvPairPrefix(FNV0, fs, ls, 3), i);
    }
    const p0 = postcode.off[i]!, p1 = postcode.off[i + 1]!;
    if (ls) {
      for (let k = p0; k < p1; k++) {
        const id = postcode.values[k]!;
        if (id >= 0) push(11, fnvPrefix(Math.imul(hPostcode[2 * id]! ^ BAR, 0x01000193), ls, 2), i);
      }
    }
    if (fs) {
      for (let k = p0; k < p1; k++) {
        const id = postcode.values[k]!;
        if (id >= 0) push(12, fnvPrefix(Math.imul(hPostcode[2 * id]! ^ BAR, 0x01000193), fs, 2), i);
      }
    }
    for (let k = house.off[i]!; k < house.off[i + 1]!; k++) {
      const hn = house.values[k]!, sn = streetName.values[k]!;
      if (hn >= 0 && sn >= 0) push(13, fnvPrefix(Math.imul(fnvInt(FNV0, hn) ^ BAR, 0x01000193), streetNames[sn]!, 6), i);
    }
    if (d) {
      for (let k = p0; k < p1; k++) {
        const id = postcode.values[k]!;
        if (id >= 0) push(14, fnvStr(dp, postcodes[id]!), i);
      }
      for (let k = c0; k < c1; k++) {
        const id = city.values[k]!;
        if (id >= 0) push(15, fnvStr(dp, cities[id]!), i);
      }
    }
  }
  return FUSED_RULES.map((_, r) => ({ hash: hash[r]!.toArray(), idx: idx[r]!.toArray() }));
}
