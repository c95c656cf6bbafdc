import { describe, expect, it } from 'vitest';
import { cluster } from '../../src/engine/cluster.js';

/** Pairs (a, b, p) as the typed arrays cluster() takes (sorted by (a, b), as resolve passes them). */
function scored(pairs: [number, number, number][]) {
  return { a: Uint32Array.from(pairs, (x) => x[0]), b: Uint32Array.from(pairs, (x) => x[1]), p: Float32Array.from(pairs, (x) => x[2]) };
}
const ids = ['a', 'b', 'c', 'd'];
const opts = { threshold: 0.5, maxGroupSize: 100 };

describe('cluster support guard (log-odds votes)', () => {
  it('merges when a confident link meets a cross pair that merely lacks evidence', () => {
    // a–b and b–c are confident; a–c is weak (p 0.3: e.g. no birth date, another email), not a contradiction.
    const s = scored([[0, 1, 0.999], [0, 2, 0.3], [1, 2, 0.99]]);
    expect(cluster(ids, s, opts).groups.map((g) => g.profileIds)).toEqual([['a', 'b', 'c']]);
    // The older count vote (one pair for, one against) refused the merge.
    expect(cluster(ids, s, { ...opts, supportClampBits: 0 }).groups.map((g) => g.profileIds).sort()).toEqual([['a', 'b']]);
  });

  it('refuses a bridge whose other cross pairs clearly contradict it', () => {
    // {a, b} and {c, d}; the bridge b–c is strong, but a–c, a–d and b–d clearly disagree.
    const s = scored([[0, 1, 0.999], [0, 2, 1e-4], [0, 3, 1e-4], [1, 2, 0.98], [1, 3, 1e-3], [2, 3, 0.999]]);
    const r = cluster(ids, s, opts);
    expect(r.groups.map((g) => g.profileIds).sort()).toEqual([['a', 'b'], ['c', 'd']]);
    expect(r.cut).toBe(1);
  });
});
