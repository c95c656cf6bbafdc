import { describe, expect, it } from 'vitest';
import {
  charBuckets, damerauLevenshtein, jaroWinkler, jaroWinklerReaches, mayReachJaroWinkler, sharedBound,
} from '../../src/engine/metrics.js';
import { rng as rand } from '../../src/engine/random.js';

/** What the comparisons do with two summaries (compare.ts summariesFar), from the strings. */
function mayReach(a: string, b: string, min: number, slack = 0): boolean {
  const x = new Int32Array(4), y = new Int32Array(4);
  const ex = charBuckets(a, x, 0), ey = charBuckets(b, y, 0);
  let p = 0;
  while (p < Math.min(4, a.length, b.length) && a[p] === b[p]) p++;
  return mayReachJaroWinkler(a.length, b.length, p, sharedBound(x, 0, ex, y, 0, ey) - slack, min);
}

/** Exact multiset count of shared characters. */
function shared(a: string, b: string): number {
  const bag = new Map<string, number>();
  for (const c of a) bag.set(c, (bag.get(c) ?? 0) + 1);
  let n = 0;
  for (const c of b) {
    const k = bag.get(c) ?? 0;
    if (k > 0) {
      bag.set(c, k - 1);
      n++;
    }
  }
  return n;
}

describe('Jaro-Winkler bound from character buckets (quick reject before the matching)', () => {
  const r = rand(11);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789@.é';
  const word = (len: number) => Array.from({ length: len }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
  const typo = (s: string) => {
    const i = Math.floor(r() * s.length);
    return r() < 0.5 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + alphabet[Math.floor(r() * alphabet.length)] + s.slice(i);
  };

  it('bounds the shared-character count, including runs that saturate a bucket', () => {
    const words = [...Array.from({ length: 3000 }, () => word(1 + Math.floor(r() * 40))), 'a'.repeat(40), 'aq'.repeat(20), '7'.repeat(9)];
    for (let k = 0; k < words.length; k++) {
      const a = words[k]!, b = k % 2 ? typo(a) : words[(k * 7) % words.length]!;
      const x = new Int32Array(4), y = new Int32Array(4);
      expect(sharedBound(x, 0, charBuckets(a, x, 0), y, 0, charBuckets(b, y, 0))).toBeGreaterThanOrEqual(shared(a, b));
    }
  });

  it('never rejects a pair that reaches the threshold, and rejects most unrelated pairs', () => {
    let rejected = 0, reaching = 0, tight = 0;
    for (let k = 0; k < 20000; k++) {
      const a = word(2 + Math.floor(r() * 30));
      const b = k % 3 === 0 ? typo(typo(a)) : k % 3 === 1 ? a.slice(0, 3) + word(a.length - 3) : word(2 + Math.floor(r() * 30));
      for (const min of [0.8, 0.88, 0.9]) {
        const reaches = jaroWinklerReaches(a, b, min);
        if (reaches) reaching++;
        if (!mayReach(a, b, min)) {
          rejected++;
          expect(reaches).toBe(false);
          expect(jaroWinkler(a, b)).toBeLessThan(min);
        } else if (reaches && !mayReach(a, b, min, 1)) tight++;
      }
    }
    expect(reaching).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(20000);
    // Pairs where one shared character less would have rejected a reaching pair: the bound is used at its edge.
    expect(tight).toBeGreaterThan(0);
  });
});

describe('Damerau-Levenshtein (OSA) within a band', () => {
  it('gives the full matrix result capped at max + 1, for near and far strings', () => {
    const r = rand(5);
    const alphabet = 'abcde0123@.';
    const word = (len: number) => Array.from({ length: len }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
    const edit = (s: string) => {
      const i = Math.floor(r() * s.length), c = alphabet[Math.floor(r() * alphabet.length)]!;
      const k = Math.floor(r() * 4);
      if (k === 0) return s.slice(0, i) + c + s.slice(i);
      if (k === 1) return s.slice(0, i) + s.slice(i + 1);
      if (k === 2) return s.slice(0, i) + c + s.slice(i + 1);
      return i + 1 < s.length ? s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2) : s;
    };
    let exact = 0;
    for (let k = 0; k < 20000; k++) {
      const a = word(1 + Math.floor(r() * 30));
      let b = a;
      for (let e = Math.floor(r() * 5); e > 0; e--) b = edit(b);
      if (k % 5 === 0) b = word(1 + Math.floor(r() * 30));
      const full = damerauLevenshtein(a, b);
      for (const max of [1, 2, 3]) {
        expect(damerauLevenshtein(a, b, max)).toBe(Math.min(full, max + 1));
        if (full <= max && 2 * max + 1 < b.length) exact++;
      }
    }
    expect(exact).toBeGreaterThan(5000); // the band is used, and for distances within it
  });
});
