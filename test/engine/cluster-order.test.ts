import { describe, expect, it } from 'vitest';
import { strongestFirst } from '../../src/engine/cluster.js';

function scoredPairs(n: number, seed: number, sorted: boolean) {
  let s = seed;
  const r = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const pairs: [number, number, number][] = [];
  for (let k = 0; k < n; k++) {
    const a = Math.floor(r() * 300), b = a + 1 + Math.floor(r() * 300);
    // Few distinct probabilities, so ties are everywhere.
    pairs.push([a, b, [0, 0.2, 0.5, 0.75, 0.9, 1, Math.fround(r())][Math.floor(r() * 7)]!]);
  }
  if (sorted) pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return {
    a: Uint32Array.from(pairs, (x) => x[0]), b: Uint32Array.from(pairs, (x) => x[1]), p: Float32Array.from(pairs, (x) => x[2]),
  };
}

describe('cluster link order', () => {
  it('is probability descending, ties by (a, b) — radix path and comparator fallback agree with a plain sort', () => {
    for (const sorted of [true, false]) {
      for (const threshold of [0.5, 0, 0.95]) {
        const sp = scoredPairs(5000, sorted ? 7 : 8, sorted);
        const expected: number[] = [];
        for (let k = 0; k < sp.p.length; k++) if (sp.p[k]! >= threshold) expected.push(k);
        expected.sort((s, t) => sp.p[t]! - sp.p[s]! || sp.a[s]! - sp.a[t]! || sp.b[s]! - sp.b[t]! || s - t);
        const got = Array.from(strongestFirst(sp, threshold));
        const key = (k: number) => `${sp.p[k]}|${sp.a[k]}|${sp.b[k]}`;
        expect(got.map(key)).toEqual(expected.map(key));
      }
    }
  });
});
