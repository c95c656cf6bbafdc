/**
 * Person-name normalization: case, diacritics, punctuation, titles and suffixes removed; full-name-only records
 * ("Doe, John", "John Q. Doe" in one field) split into first / middle / last.
 */
import { foldText, tokens } from './text.js';

const TITLES = new Set([
  'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'dame', 'lady', 'lord', 'rev', 'fr', 'hon', 'capt', 'sgt',
  'herr', 'frau', 'mme', 'mlle', 'sr', 'sra', 'srta', 'don', 'dona',
]);
const SUFFIXES = new Set(['jr', 'snr', 'sr', 'jnr', 'ii', 'iii', 'iv', 'phd', 'md', 'esq', 'dds', 'cpa', 'mba', 'ret']);

export interface NormalName {
  first: string;
  middle: string;
  last: string;
}

/** Folded words of one name field (titles and suffixes still in). */
export function nameTokens(raw: string): string[] {
  return tokens(foldText(raw));
}

/** Folded tokens of one name field. `cache` (raw → tokens, treated as read-only) spares re-folding repeated names. */
function clean(raw: string | undefined, cache?: Map<string, string[]>): string[] {
  if (!raw) return [];
  if (!cache) return tokens(foldText(raw));
  let t = cache.get(raw);
  if (t === undefined) cache.set(raw, (t = tokens(foldText(raw))));
  return t;
}

function stripAffixes(t: string[]): string[] {
  let s = 0;
  let e = t.length;
  while (s < e - 1 && TITLES.has(t[s]!)) s++;
  while (e > s + 1 && SUFFIXES.has(t[e - 1]!)) e--;
  return t.slice(s, e);
}

/** Normalizes FirstName / MiddleName / LastName; when only one field carries a whole name, it is split. */
export function normalizeName(first?: string, middle?: string, last?: string, cache?: Map<string, string[]>): NormalName {
  // "Doe, John" in a single field: the part before the comma is the surname.
  const single = first && !last ? first : !first && last ? last : undefined;
  if (single !== undefined && single.includes(',') && !middle) {
    const [l, f] = single.split(',', 2);
    return normalizeName(f, undefined, l, cache);
  }
  let f = stripAffixes(clean(first, cache));
  let m = clean(middle, cache);
  let l = stripAffixes(clean(last, cache));
  if (l.length === 0 && f.length >= 2) {
    // Full name in FirstName only.
    l = f.slice(-1);
    m = [...f.slice(1, -1), ...m];
    f = f.slice(0, 1);
  } else if (f.length === 0 && l.length >= 2) {
    // Full name in LastName only.
    f = l.slice(0, 1);
    m = [...l.slice(1, -1), ...m];
    l = l.slice(-1);
  } else if (f.length >= 2 && m.length === 0) {
    // "John Q" / "Mary Ann": extra given names become the middle name (single letters are initials).
    m = f.slice(1);
    f = f.slice(0, 1);
  }
  return { first: f.join(''), middle: m.join(' '), last: l.join('') };
}
