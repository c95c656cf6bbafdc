/**
 * Nickname equivalence from the vendored pseudopeople table (vendor/nicknames/nicknames.csv, BSD-3, see its LICENSE).
 * Each row is a name and names it is known by. Two names are equivalent when one lists the other, or when both are
 * shorter forms listed by the same longer name (bob and rob via robert) — but not through a nickname's row
 * (the "bill" row lists both william and robert, which are not the same name).
 * The file is read once, relative to this module, so it works from src/ (tsx, vitest) and from dist/.
 */
import { readFileSync } from 'node:fs';

let table: Map<string, Set<string>> | undefined;

function relate(map: Map<string, Set<string>>, a: string, b: string): void {
  if (a === b) return;
  let s = map.get(a);
  if (!s) map.set(a, (s = new Set()));
  s.add(b);
}

function load(): Map<string, Set<string>> {
  const text = readFileSync(new URL('../../../vendor/nicknames/nicknames.csv', import.meta.url), 'utf8');
  const map = new Map<string, Set<string>>();
  const lines = text.split(/\r?\n/);
  for (let row = 1; row < lines.length; row++) {
    const [head, ...rest] = lines[row]!.split(',').map((s) => s.trim().toLowerCase());
    if (!head) continue;
    const names = rest.filter((s) => s !== '');
    for (const n of names) {
      relate(map, head, n);
      relate(map, n, head);
    }
    const shorter = names.filter((n) => n.length < head.length);
    for (const x of shorter) for (const y of shorter) relate(map, x, y);
  }
  return map;
}

/** True when the two (folded) first names are nickname-equivalent (robert/bob, bob/rob, william/bill). */
export function areNicknames(a: string, b: string): boolean {
  table ??= load();
  return table.get(a)?.has(b) ?? false;
}

/** True when the (folded) name has any nickname equivalent (areNicknames(name, y) is false for every y otherwise). */
export function hasNicknames(name: string): boolean {
  table ??= load();
  return table.has(name);
}
