import { describe, expect, it } from 'vitest';
import { cluster } from '../../src/engine/cluster.js';

/** Random scored pairs over `n` profiles, many of them links, in (a, b) order or shuffled. */
function scoredPairs(n: number, m: number, seed: number, sorted: boolean) {
  let s = seed;
  const r = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const seen = new Set<number>();
  const pairs: [number, number, number][] = [];
  while (pairs.length < m) {
    const a = Math.floor(r() * (n - 1)), b = a + 1 + Math.floor(r() * Math.min(8, n - 1 - a));
    if (seen.has(a * n + b)) continue;
    seen.add(a * n + b);
    pairs.push([a, b, [0.05, 0.3, 0.55, 0.7, 0.9, 0.99, 1][Math.floor(r() * 7)]!]);
  }
  if (sorted) pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return {
    a: Uint32Array.from(pairs, (x) => x[0]), b: Uint32Array.from(pairs, (x) => x[1]), p: Float32Array.from(pairs, (x) => x[2]),
  };
}

/**
 * The guards written plainly: links strongest first (ties by (a, b)), and a merge's support counted over every scored
 * pair with one profile in each group (count votes: integer sums, so the order of the sum does not matter).
 */
function reference(n: number, s: { a: Uint32Array; b: Uint32Array; p: Float32Array }, maxGroupSize: number): string[][] {
  const parent = Array.from({ length: n }, (_, i) => i);
  const size = new Array<number>(n).fill(1);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x]!)));
  const links = [...s.p.keys()].filter((k) => s.p[k]! >= 0.5)
    .sort((x, y) => s.p[y]! - s.p[x]! || s.a[x]! - s.a[y]! || s.b[x]! - s.b[y]!);
  for (const k of links) {
    let rx = find(s.a[k]!), ry = find(s.b[k]!);
    if (rx === ry || size[rx]! + size[ry]! > maxGroupSize) continue;
    if (size[rx]! < size[ry]!) [rx, ry] = [ry, rx];
    if (size[rx]! + size[ry]! > 2) {
      let support = 0;
      for (let j = 0; j < s.p.length; j++) {
        const fx = find(s.a[j]!), fy = find(s.b[j]!);
        if ((fx === rx && fy === ry) || (fx === ry && fy === rx)) support += s.p[j]! >= 0.5 ? 1 : -1;
      }
      if (support <= 0) continue;
    }
    parent[ry] = rx;
    size[rx]! += size[ry]!;
  }
  const groups = new Map<number, string[]>();
  for (let i = 0; i < n; i++) groups.set(find(i), [...(groups.get(find(i)) ?? []), `p${i}`]);
  return [...groups.values()].filter((g) => g.length > 1).map((g) => g.sort()).sort();
}

describe('cluster support over link components', () => {
  it('counts exactly the pairs between the two merging groups, for sorted and shuffled pairs', () => {
    for (const sorted of [true, false]) {
      for (const seed of [1, 2, 3]) {
        const n = 400;
        const s = scoredPairs(n, 1500, seed, sorted);
        const ids = Array.from({ length: n }, (_, i) => `p${i}`);
        for (const maxGroupSize of [6, 100]) {
          const got = cluster(ids, s, { threshold: 0.5, maxGroupSize, supportClampBits: 0 }).groups
            .map((g) => [...g.profileIds].sort()).sort();
          expect(got).toEqual(reference(n, s, maxGroupSize));
        }
      }
    }
  });
});
