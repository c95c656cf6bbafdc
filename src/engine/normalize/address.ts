/**
 * Address normalization: street lines folded and abbreviated to one canonical form (Street→st, Avenue→ave,
 * North→n, Apartment/Apt/#/Suite→unit), the house number and unit number pulled out, postal codes normalised
 * (upper case, no spaces; US ZIP+4 → ZIP5), city folded.
 */
import type { Address } from '../../model/profile.js';
import { foldText, tokens } from './text.js';

const ABBREV: Record<string, string> = {
  street: 'st', str: 'st', avenue: 'ave', av: 'ave', avn: 'ave', road: 'rd', drive: 'dr', drv: 'dr',
  boulevard: 'blvd', blv: 'blvd', lane: 'ln', court: 'ct', crt: 'ct', place: 'pl', plc: 'pl', terrace: 'tce',
  ter: 'tce', terr: 'tce', highway: 'hwy', parkway: 'pkwy', pky: 'pkwy', circle: 'cir', crescent: 'cres', cresent: 'cres',
  crs: 'cres', square: 'sq', trail: 'trl', way: 'wy', close: 'cl', grove: 'gr', grv: 'gr', mount: 'mt', point: 'pt',
  heights: 'hts', gardens: 'gdns', parade: 'pde', esplanade: 'esp', circuit: 'cct', expressway: 'expy',
  north: 'n', south: 's', east: 'e', west: 'w', northeast: 'ne', northwest: 'nw', southeast: 'se', southwest: 'sw',
  apartment: 'unit', apt: 'unit', suite: 'unit', ste: 'unit', flat: 'unit', unit: 'unit', rm: 'unit', room: 'unit',
  no: '', number: '', floor: 'fl', fl: 'fl', building: 'bldg', bldg: 'bldg', po: 'po', box: 'box',
};

export interface NormalAddress {
  /** Canonical street line (all Address1..4 tokens, abbreviated), '' when absent. */
  street: string;
  /** First number in the street line (the house number), '' when absent. */
  house: string;
  /** Unit / apartment number, '' when absent. */
  unit: string;
  postcode: string;
  city: string;
  /** Street name without numbers and unit (for fuzzy comparison). */
  streetName: string;
}

export function normalizePostcode(raw: string | undefined): string {
  if (!raw) return '';
  const s = raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (/^\d{9}$/.test(s)) return s.slice(0, 5);
  return s;
}

/** The street-line part of a normalized address. */
export interface LineParts {
  street: string;
  house: string;
  unit: string;
  streetName: string;
}

/** Raw → normalized postal codes, cities and street lines, which repeat across profiles (see normalizeAddress). */
export interface AddressPartCache {
  postcodes: Map<string, string>;
  cities: Map<string, string>;
  /** Joined raw Address1–4 → street parts (a person's records and a household share them). */
  lines?: Map<string, LineParts>;
}

function cachedPart(raw: string | undefined, fn: (raw: string) => string, cache?: Map<string, string>): string {
  if (!raw) return '';
  if (!cache) return fn(raw);
  let v = cache.get(raw);
  if (v === undefined) cache.set(raw, (v = fn(raw)));
  return v;
}

/** ABBREV as a Map: looking a fresh token up in a dictionary object internalizes it first. */
const ABBREVIATIONS = new Map(Object.entries(ABBREV));

function hasDigit(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/** Length of the number of a token that is digits with at most one a–z letter after (/^(\d+)([a-z]?)$/), else 0. */
function numberLength(t: string): number {
  let i = 0;
  while (i < t.length) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  if (i === 0) return 0;
  if (i === t.length) return i;
  if (i === t.length - 1) {
    const c = t.charCodeAt(i);
    if (c >= 97 && c <= 122) return i;
  }
  return 0;
}

/**
 * The words of a street line as lineParts reads them — tokens(foldText(raw with each '#' read as ' unit ')) — in
 * one pass for an ASCII line (foldText then only lower-cases and splits at every run of other characters than
 * a–z 0–9); undefined for any other line. Half the CPU of the regular-expression path on generated lines.
 */
export function asciiLineTokens(raw: string): string[] | undefined {
  const out: string[] = [];
  let start = -1;
  let upper = false;
  const n = raw.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? raw.charCodeAt(i) : 32;
    if (c >= 128) return undefined;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (start < 0) start = i;
      continue;
    }
    if (c >= 65 && c <= 90) {
      if (start < 0) start = i;
      upper = true;
      continue;
    }
    if (start >= 0) {
      const t = raw.slice(start, i);
      out.push(upper ? t.toLowerCase() : t);
      start = -1;
      upper = false;
    }
    if (c === 35) out.push('unit'); // '#'
  }
  return out;
}

/** Street-line parts of the raw joined Address1–4. */
export function lineParts(raw: string): LineParts {
  const out: string[] = [];
  const name: string[] = [];
  let house = '';
  let unit = '';
  const toks = asciiLineTokens(raw) ?? tokens(foldText(raw.includes('#') ? raw.replace(/#/g, ' unit ') : raw));
  for (let i = 0; i < toks.length; i++) {
    let t = toks[i]!;
    const ab = ABBREVIATIONS.get(t);
    if (ab !== undefined) t = ab;
    if (t === '') continue;
    if (t === 'unit') {
      const next = toks[i + 1];
      if (next !== undefined && hasDigit(next)) {
        unit = next;
        i++;
        out.push('unit', next);
        continue;
      }
    }
    // "12b" → house 12, "12-14": first number wins.
    const num = numberLength(t);
    if (num > 0) {
      if (house === '') house = num === t.length ? t : t.slice(0, num);
      else if (unit === '') unit = t;
    } else if (t !== 'unit') {
      name.push(t);
    }
    out.push(t);
  }
  return { street: out.join(' '), house, unit, streetName: name.join(' ') };
}

/** Address1–4 joined by spaces, empty lines left out. */
export function rawStreetLine(a: Address): string {
  const { Address1: a1, Address2: a2, Address3: a3, Address4: a4 } = a;
  // Common case without an array: Address1 alone.
  if (!a2 && !a3 && !a4) return a1 ? String(a1) : '';
  return [a1, a2, a3, a4].filter(Boolean).join(' ');
}

/**
 * `cache` (optional) spares re-normalizing repeated street lines, postal codes and cities; reusing one string object
 * per value also lets the interner's Map hit V8's cached string hash.
 */
export function normalizeAddress(a: Address | undefined, cache?: AddressPartCache): NormalAddress | undefined {
  if (!a) return undefined;
  const raw = rawStreetLine(a);
  let parts: LineParts | undefined;
  if (cache) {
    const lines = (cache.lines ??= new Map());
    parts = lines.get(raw);
    if (parts === undefined) lines.set(raw, (parts = lineParts(raw)));
  } else {
    parts = lineParts(raw);
  }
  const postcode = cachedPart(a.PostalCode, normalizePostcode, cache?.postcodes);
  const city = cachedPart(a.City, foldText, cache?.cities);
  if (parts.street === '' && postcode === '' && city === '') return undefined;
  return { street: parts.street, house: parts.house, unit: parts.unit, postcode, city, streetName: parts.streetName };
}
