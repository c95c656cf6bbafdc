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

/** The most common values (count ≥ 2, at most `limit`) as a JSON table for the model. */
export function tfTableOf(values: string[], counts: Int32Array, total: number, limit: number): TfTable {
  // Only values at least as common as the limit-th most common one can be kept: sort just those (a million
  // distinct emails or streets sorted by a string comparator cost most of training).
  let repeated = 0, maxCount = 0;
  for (let i = 0; i < values.length; i++) {
    if (counts[i]! < 2) continue;
    repeated++;
    if (counts[i]! > maxCount) maxCount = counts[i]!;
  }
  const byCount = new Uint32Array(maxCount + 1);
  for (let i = 0; i < values.length; i++) if (counts[i]! >= 2) byCount[counts[i]!]!++;
  let cut = 2;
  for (let c = maxCount, seen = 0; c >= 2; c--) {
    seen += byCount[c]!;
    if (seen >= limit) {
      cut = c;
      break;
    }
  }
  const ids: number[] = [];
  for (let i = 0; i < values.length; i++) if (counts[i]! >= cut) ids.push(i);
  ids.sort((x, y) => counts[y]! - counts[x]! || (values[x]! < values[y]! ? -1 : 1));
  const kept = ids.slice(0, limit);
  const table: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const i of kept) table[values[i]!] = counts[i]!;
  const minCount = repeated > limit ? counts[kept[kept.length - 1]!]! : 1;
  return { total, counts: table, minCount };
}

export function savedTf(tables: (TfTable | undefined)[], v: View): TfSource {
  return {
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
}
