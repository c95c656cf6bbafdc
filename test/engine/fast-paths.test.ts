/**
 * The engine's fast paths give exactly what the plain computations give: bit-parallel Jaro-Winkler, the one-edit test
 * with a known shared prefix, table-driven pair weights, the dense pattern histogram, the top-k TF table and the
 * MatchId order of groups.
 */
import { describe, expect, it } from 'vitest';
import { buildColumns, DEFAULT_NORMALIZE } from '../../src/engine/columns.js';
import { candidatePairs } from '../../src/engine/blocking.js';
import { COMPARISONS } from '../../src/engine/compare.js';
import { jaroWinkler, jaroWinklerReaches, withinOneEdit } from '../../src/engine/metrics.js';
import { levelOf, PLACE, patternOf, priorWeight, tfAdjustment, weightsOf } from '../../src/engine/model.js';
import { patternHistogram, resolve } from '../../src/engine/resolve.js';
import { Scorer } from '../../src/engine/score.js';
import { liveTf, tfTableOf } from '../../src/engine/tf.js';
import { rand, tinyPopulation } from './tiny-population.js';

/** Jaro-Winkler as the textbook scan (the reference the bit-parallel version must equal). */
function jwScan(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length, lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const fa = new Uint8Array(la), fb = new Uint8Array(lb);
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    for (let j = Math.max(0, i - window); j <= Math.min(lb - 1, i + window); j++) {
      if (!fb[j] && b[j] === a[i]) {
        fa[i] = fb[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let t = 0;
  for (let i = 0, k = 0; i < la; i++) {
    if (!fa[i]) continue;
    while (!fb[k]) k++;
    if (a[i] !== b[k++]) t++;
  }
  const jaro = (matches / la + matches / lb + (matches - t / 2) / matches) / 3;
  let p = 0;
  while (p < Math.min(4, la, lb) && a[p] === b[p]) p++;
  return jaro + p * 0.1 * (1 - jaro);
}

function randomPairs(count: number, seed: number): Array<[string, string]> {
  const r = rand(seed);
  const alphabets = ['ab', 'abcde', 'abcdefghijklmnopqrstuvwxyz@.0123456789', 'aé€'];
  const out: Array<[string, string]> = [];
  for (let n = 0; n < count; n++) {
    const al = alphabets[n % alphabets.length]!;
    const word = () => Array.from({ length: Math.floor(r() * 40) }, () => al[Math.floor(r() * al.length)]).join('');
    const a = word();
    let b = r() < 0.5 ? word() : [...a].map((c) => (r() < 0.15 ? al[Math.floor(r() * al.length)] : c)).join('');
    if (r() < 0.3) b = b.slice(Math.floor(r() * 2));
    out.push([a, b]);
  }
  return out;
}

describe('fast paths', () => {
  it('bit-parallel Jaro-Winkler equals the scan, for short and long strings', () => {
    for (const [a, b] of randomPairs(20_000, 3)) expect(jaroWinkler(a, b)).toBe(jwScan(a, b));
  });

  it('the threshold test equals comparing the scan with the threshold', () => {
    for (const [a, b] of randomPairs(20_000, 6)) {
      // (At exactly the threshold the bound's rounding may say no — as it did before the bit-parallel path.)
      for (const t of [0.8, 0.88, 0.92]) if (Math.abs(jwScan(a, b) - t) > 1e-12) expect(jaroWinklerReaches(a, b, t)).toBe(jwScan(a, b) >= t);
    }
  });

  it('the one-edit test from a shared prefix equals the test from the start', () => {
    for (const [a, b] of randomPairs(5_000, 4)) {
      const key = 'AccountNumber=';
      expect(withinOneEdit(key + a, key + b, key.length)).toBe(withinOneEdit(key + a, key + b));
    }
  });

  const { profiles } = tinyPopulation(300, 5);
  const cols = buildColumns(profiles, DEFAULT_NORMALIZE);
  const cand = candidatePairs(cols, 100);
  const codes = Uint32Array.from(cand.a, (a, k) => patternOf(cols, a, cand.b[k]!));

  it('pattern codes are the levels of COMPARISONS in mixed radix', () => {
    for (let k = 0; k < cand.a.length; k += 7) {
      let code = 0;
      for (let c = 0; c < COMPARISONS.length; c++) code += COMPARISONS[c]!.compare(cols, cand.a[k]!, cand.b[k]!) * PLACE[c]!;
      expect(codes[k]).toBe(code);
    }
  });

  it('the dense histogram lists each distinct code once, ascending, with its count', () => {
    const { patterns, counts } = patternHistogram(codes);
    const hist = new Map<number, number>();
    for (const c of codes) hist.set(c, (hist.get(c) ?? 0) + 1);
    const keys = [...hist.keys()].sort((x, y) => x - y);
    expect(Array.from(patterns)).toEqual(keys);
    expect(Array.from(counts)).toEqual(keys.map((k) => hist.get(k)));
  });

  it('the TF table keeps the same top values as a full sort', () => {
    const r = rand(9);
    const values = Array.from({ length: 3000 }, (_, i) => `v${i}`);
    const counts = Int32Array.from(values, () => 1 + Math.floor(r() ** 3 * 40));
    for (const limit of [1, 10, 100, 2999, 5000]) {
      const ids = values.map((_, i) => i).filter((i) => counts[i]! >= 2);
      ids.sort((x, y) => counts[y]! - counts[x]! || (values[x]! < values[y]! ? -1 : 1));
      const kept = ids.slice(0, limit);
      const table = tfTableOf(values, counts, 9999, limit);
      expect(Object.entries(table.counts)).toEqual(kept.map((i) => [values[i], counts[i]]));
      expect(table.minCount).toBe(ids.length > limit ? counts[kept[kept.length - 1]!] : 1);
    }
  });

  it('table-driven pair weights equal the sum of level weights and TF adjustments', async () => {
    const { model } = await resolve(profiles, { seed: 3 });
    const tf = liveTf(cols);
    const scorer = new Scorer(model, cols, tf);
    const weights = weightsOf(model.comparisons);
    for (let k = 0; k < cand.a.length; k++) {
      const a = cand.a[k]!, b = cand.b[k]!;
      let w = priorWeight(model);
      for (let c = 0; c < COMPARISONS.length; c++) {
        const l = levelOf(codes[k]!, c);
        if (l === 0) continue;
        w += weights[c]![l]!;
        const tfLevel = model.comparisons[c]!.tfLevel;
        if (l === tfLevel && tfLevel > 0) {
          const id = COMPARISONS[c]!.sharedValue(cols, a, b);
          if (id >= 0) w += tfAdjustment(model.comparisons[c]!.levels[tfLevel]!.uRandom, tf.count(c, id), tf.total(c), model.tfClamp);
        }
      }
      expect(scorer.weight(codes[k]!, a, b)).toBe(w);
    }
  });

  it('groups come in MatchId order', async () => {
    const { groups } = await resolve(profiles, { seed: 3 });
    expect(groups.length).toBeGreaterThan(10);
    const ids = groups.map((g) => g.matchId);
    expect(ids).toEqual([...ids].sort());
  });
});

describe('mergePairs', () => {
  it('is the sorted union of two sorted, duplicate-free pair lists', async () => {
    const { mergePairs } = await import('../../src/engine/blocking.js');
    const r = rand(2);
    const list = () => {
      const set = new Set<number>();
      for (let k = 0; k < 400; k++) set.add(Math.floor(r() * 30) * 100 + Math.floor(r() * 30));
      const sorted = [...set].sort((x, y) => x - y);
      return { a: Uint32Array.from(sorted, (p) => Math.floor(p / 100)), b: Uint32Array.from(sorted, (p) => p % 100) };
    };
    const x = list(), y = list();
    const m = mergePairs(x, y);
    const union = [...new Set([...x.a].map((a, k) => a * 100 + x.b[k]!).concat([...y.a].map((a, k) => a * 100 + y.b[k]!)))].sort((p, q) => p - q);
    expect(Array.from(m.a, (a, k) => a * 100 + m.b[k]!)).toEqual(union);
  });
});

describe('scoring on the comparison threads', () => {
  it('gives the inline probabilities and links, with and without renumbering', async () => {
    const { startPatterns } = await import('../../src/engine/parallel.js');
    const { startPatternsLocal } = await import('../../src/engine/locality.js');
    const { profiles } = tinyPopulation(400, 8);
    const cols = buildColumns(profiles, DEFAULT_NORMALIZE);
    const cand = candidatePairs(cols, 100);
    const { model } = await resolve(profiles, { seed: 4 });
    const tf = liveTf(cols);
    const inline = await (await startPatterns(cols, cand.a, cand.b, 0)).score(model, tf, 0.5);
    expect(inline.linked.length).toBeGreaterThan(0);
    for (const run of [await startPatterns(cols, cand.a, cand.b, 1, 0), await startPatternsLocal(cols, cand.a, cand.b, 1, 0, 0)]) {
      const r = await run.score(model, tf, 0.5);
      expect(Array.from(r.probs)).toEqual(Array.from(inline.probs));
      expect(Array.from(r.linked)).toEqual(Array.from(inline.linked));
      expect(Array.from(r.linkedP)).toEqual(Array.from(inline.linkedP));
    }
  });
});

describe('code level table', () => {
  it('holds levelOf of every code', async () => {
    const { codeLevelTable, PATTERN_CODES, RADIX } = await import('../../src/engine/model.js');
    const t = codeLevelTable();
    const K = RADIX.length;
    expect(t.length).toBe(PATTERN_CODES * K);
    for (let code = 0; code < PATTERN_CODES; code += 7) for (let k = 0; k < K; k++) expect(t[code * K + k]).toBe(levelOf(code, k));
  });
});

describe('pair generation split over two workers', () => {
  it('equals the inline candidate pairs and per-rule figures', async () => {
    const { BLOCKING_RULES, candidatePairsOffThread } = await import('../../src/engine/blocking.js');
    const { profiles } = tinyPopulation(400, 12);
    const cols = buildColumns(profiles, DEFAULT_NORMALIZE);
    const lim = { maxBlockSize: 12, pairsPerProfile: 0.3, minFullBlock: 3, window: 3 };
    const inline = candidatePairs(cols, lim);
    const off = await candidatePairsOffThread(cols, lim, undefined, true, BLOCKING_RULES, 0, 2);
    expect(Array.from(off.a)).toEqual(Array.from(inline.a));
    expect(Array.from(off.b)).toEqual(Array.from(inline.b));
    expect(off.rules).toEqual(inline.rules);
  });
});
