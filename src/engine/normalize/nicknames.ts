/**
 * Nickname equivalence from the vendored pseudopeople table (data/nicknames/nicknames.csv, BSD-3, see its LICENSE).
 * Each row is one formal name and its nicknames; two first names are equivalent when they share a row.
 * The file is read once, relative to this module, so it works from src/ (tsx, vitest) and from dist/.
 */
import { readFileSync } from 'node:fs';

let table: Map<string, number[]> | undefined;

function load(): Map<string, number[]> {
  const url = new URL('../../../data/nicknames/nicknames.csv', import.meta.url);
  const text = readFileSync(url, 'utf8');
  const map = new Map<string, number[]>();
  const lines = text.split(/\r?\n/);
  for (let row = 1; row < lines.length; row++) {
    const names = lines[row]!.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
    for (const n of new Set(names)) {
      const rows = map.get(n);
      if (rows) rows.push(row);
      else map.set(n, [row]);
    }
  }
  return map;
}

/** Row ids (sorted) of the nickname groups a folded first name belongs to; empty when unknown. */
export function nicknameGroups(name: string): readonly number[] {
  table ??= load();
  return table.get(name) ?? EMPTY;
}
const EMPTY: readonly number[] = [];

/** True when both names share a nickname group (e.g. robert/bob, william/bill). */
export function areNicknames(a: string, b: string): boolean {
  const ga = nicknameGroups(a);
  if (ga.length === 0) return false;
  const gb = nicknameGroups(b);
  for (const x of ga) if (gb.includes(x)) return true;
  return false;
}
