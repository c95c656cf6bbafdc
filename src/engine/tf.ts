/** Value-frequency sources for term-frequency adjustments: live (from the columns) or saved (in the model). */
import { COMPARISONS, type View } from './compare.js';
import type { Columns } from './columns.js';
import type { TfTable } from './model.js';
import type { TfSource } from './score.js';

export interface LiveTf extends TfSource {
  counts: (Int32Array | undefined)[];
  totals: number[];
}

function countColumn(col: Int32Array, size: number): { counts: Int32Array; total: number } {
  const counts = new Int32Array(size);
  let total = 0;
  for (let i = 0; i < col.length; i++) {
    if (col[i]! >= 0) {
      counts[col[i]!]!++;
      total++;
    }
  }
  return { counts, total };
}

export function liveTf(c: Columns): LiveTf {
  const counts: (Int32Array | undefined)[] = [];
  const totals: number[] = [];
  for (const cmp of COMPARISONS) {
    if (cmp.tfLevel <= 0 || !cmp.tfTable) {
      counts.push(undefined);
      totals.push(0);
    } else if (cmp.name === 'firstName' || cmp.name === 'lastName') {
      const r = countColumn(cmp.name === 'firstName' ? c.first : c.last, c.tables.name.values.length);
      counts.push(r.counts);
      totals.push(r.total);
    } else {
      const t = c.tables[cmp.tfTable];
      counts.push(t.counts);
      totals.push(t.total);
    }
  }
  return { counts, totals, count: (k, id) => counts[k]?.[id] ?? 0, total: (k) => totals[k]! };
}

/**
 * How many values repeat (count ≥ 2), and the count the `limit`-th most common of them has (at least 2): only values
 * at least that common can make a table of the `limit` most common ones, so only those need sorting or strings.
 */
function topCountCut(counts: Int32Array, limit: number): { repeated: number; cut: number } {
  let repeated = 0, maxCount = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i]! < 2) continue;
    repeated++;
    if (counts[i]! > maxCount) maxCount = counts[i]!;
  }
  const byCount = new Uint32Array(maxCount + 1);
  for (let i = 0; i < counts.length; i++) if (counts[i]! >= 2) byCount[counts[i]!]!++;
  for (let c = maxCount, seen = 0; c >= 2; c--) {
    seen += byCount[c]!;
    if (seen >= limit) return { repeated, cut: c };
  }
  return { repeated, cut: 2 };
}

/** The most common values (count ≥ 2, at most `limit`) as a JSON table for the model. */
export function tfTableOf(values: string[], counts: Int32Array, total: number, limit: number): TfTable {
  // Only values at least as common as the limit-th most common one can be kept: sort just those (a million
  // distinct emails or streets sorted by a string comparator cost most of training).
  const { repeated, cut } = topCountCut(counts.subarray(0, values.length), limit);
  const ids: number[] = [];
  for (let i = 0; i < values.length; i++) if (counts[i]! >= cut) ids.push(i);
  ids.sort((x, y) => counts[y]! - counts[x]! || (values[x]! < values[y]! ? -1 : 1));
  const kept = ids.slice(0, limit);
  const table: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const i of kept) table[values[i]!] = counts[i]!;
  const minCount = repeated > limit ? counts[kept[kept.length - 1]!]! : 1;
  return { total, counts: table, minCount };
}

export function savedTf(tables: (TfTable | undefined)[], v: View, fullName?: TfTable): TfSource {
  const source: TfSource = {
    count: (k, id) => {
      const t = tables[k];
      const name = COMPARISONS[k]!.tfTable;
      if (!t || !name) return 0;
      const value = v.tables[name].values[id]!;
      // Own properties only: a name like "constructor" must not find Object.prototype's.
      return Object.hasOwn(t.counts, value) ? t.counts[value]! : t.minCount;
    },
    total: (k) => tables[k]?.total ?? 0,
  };
  if (fullName) {
    source.fullName = (first, last) => {
      const name = `${v.tables.name.values[first]} ${v.tables.name.values[last]}`;
      return Object.hasOwn(fullName.counts, name) ? fullName.counts[name]! : fullName.minCount;
    };
    source.fullTotal = () => fullName.total;
  }
  return source;
}

/**
 * How often each full name (first and last name together) occurs: per last-name id, its first-name ids (ascending)
 * and their counts, CSR. First and last names are not independent (a culture's given names go with its surnames:
 * Siddharth with Sharma, Takeshi with Watanabe), so the product of their two frequencies understates how common a
 * full name is; the scorer uses the joint frequency when both names agree exactly.
 */
export interface FullNameCounts {
  /** Entries of last-name id l: off[l] .. off[l + 1]. */
  off: Int32Array;
  first: Int32Array;
  count: Int32Array;
  /** Profiles with both names. */
  total: number;
}

export function fullNameCounts(first: Int32Array, last: Int32Array, names: number): FullNameCounts {
  const byLast = new Int32Array(names + 1);
  let total = 0;
  for (let i = 0; i < first.length; i++) {
    if (first[i]! < 0 || last[i]! < 0) continue;
    byLast[last[i]! + 1]!++;
    total++;
  }
  for (let l = 0; l < names; l++) byLast[l + 1]! += byLast[l]!;
  const firsts = new Int32Array(total);
  const pos = byLast.slice(0, names);
  for (let i = 0; i < first.length; i++) if (first[i]! >= 0 && last[i]! >= 0) firsts[pos[last[i]!]!++] = first[i]!;
  // Sort each surname's first names and run-length encode them in place.
  const off = new Int32Array(names + 1);
  const count = new Int32Array(total);
  let o = 0;
  for (let l = 0; l < names; l++) {
    const from = byLast[l]!, to = byLast[l + 1]!;
    off[l] = o;
    if (to - from > 1) firsts.subarray(from, to).sort();
    for (let k = from; k < to; k++) {
      if (k > from && firsts[k] === firsts[k - 1]) count[o - 1]!++;
      else {
        firsts[o] = firsts[k]!;
        count[o++] = 1;
      }
    }
  }
  off[names] = o;
  return { off, first: firsts.slice(0, o), count: count.slice(0, o), total };
}

/** Occurrences of the full name (first id, last id) in `f` (0 when absent). */
export function fullNameCount(f: FullNameCounts, first: number, last: number): number {
  if (last < 0 || last + 1 >= f.off.length) return 0;
  let lo = f.off[last]!, hi = f.off[last + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1, x = f.first[mid]!;
    if (x === first) return f.count[mid]!;
    if (x < first) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/** Σ count² / total²: the chance that two random profiles share a full name (the joint u of exact agreement). */
export function fullNameU(f: FullNameCounts): number {
  let sum = 0;
  for (let k = 0; k < f.count.length; k++) sum += f.count[k]! * f.count[k]!;
  return f.total > 1 ? Math.min(0.5, Math.max(sum / (f.total * f.total), 1e-12)) : 0;
}

/** The most common full names ("first last", count ≥ 2, at most `limit`) for the saved model. */
export function fullNameTable(f: FullNameCounts, names: string[], limit: number): TfTable {
  // Strings only for the full names that can make the table (a million profiles have ~10^5 repeated full names).
  const { repeated, cut } = topCountCut(f.count, limit);
  const values: string[] = [];
  const counts: number[] = [];
  for (let l = 0; l + 1 < f.off.length; l++) {
    for (let k = f.off[l]!; k < f.off[l + 1]!; k++) {
      if (f.count[k]! < cut) continue;
      values.push(`${names[f.first[k]!]} ${names[l]}`);
      counts.push(f.count[k]!);
    }
  }
  const t = tfTableOf(values, Int32Array.from(counts), f.total, limit);
  // As if every repeated full name had been passed: unlisted ones count as the last listed when some were left out.
  if (repeated > limit && values.length <= limit) t.minCount = Math.min(...Object.values(t.counts));
  return t;
}
