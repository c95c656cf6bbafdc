import { describe, expect, it } from 'vitest';
import { blockingMetrics, clusterMetrics, countTruePairs, labelsFromGroups } from '../../src/engine/eval/metrics.js';

/** Brute force over all pairs, to check the contingency-table formulas on random inputs. */
function bruteForce(t: number[], p: number[]) {
  let tp = 0, predPairs = 0, truePairs = 0;
  for (let i = 0; i < t.length; i++) for (let j = i + 1; j < t.length; j++) {
    const sameT = t[i] === t[j], sameP = p[i] === p[j];
    if (sameT) truePairs++;
    if (sameP) predPairs++;
    if (sameT && sameP) tp++;
  }
  let bp = 0, br = 0;
  for (let i = 0; i < t.length; i++) {
    let both = 0, inP = 0, inT = 0;
    for (let j = 0; j < t.length; j++) {
      if (p[j] === p[i]) inP++;
      if (t[j] === t[i]) inT++;
      if (p[j] === p[i] && t[j] === t[i]) both++;
    }
    bp += both / inP; br += both / inT;
  }
  return { tp, predPairs, truePairs, bp: bp / t.length, br: br / t.length };
}

describe('clusterMetrics', () => {
  it('scores a perfect clustering as 1 everywhere', () => {
    const m = clusterMetrics(['a', 'a', 'b', 'c', 'c', 'c'], [7, 7, 8, 9, 9, 9]);
    expect(m.pairwise).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(m.bcubed).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(m.truePairs).toBe(4);
  });

  it('matches hand-computed values for one over-merge', () => {
    // truth {0,1} {2} ; predicted {0,1,2}: 1 true pair, 3 predicted pairs, 1 correct.
    const m = clusterMetrics(['x', 'x', 'y'], [0, 0, 0]);
    expect(m.truePositivePairs).toBe(1);
    expect(m.pairwise.precision).toBeCloseTo(1 / 3, 12);
    expect(m.pairwise.recall).toBe(1);
    expect(m.pairwise.f1).toBeCloseTo(0.5, 12);
    // B-cubed precision: records 0,1 → 2/3 each, record 2 → 1/3; mean 5/9. Recall 1.
    expect(m.bcubed.precision).toBeCloseTo(5 / 9, 12);
    expect(m.bcubed.recall).toBe(1);
    expect(m.bcubed.f1).toBeCloseTo((2 * 5 / 9) / (5 / 9 + 1), 12);
  });

  it('matches hand-computed values for a split', () => {
    // truth {0,1,2,3}; predicted {0,1} {2,3}: 6 true pairs, 2 predicted, both right.
    const m = clusterMetrics([1, 1, 1, 1], ['a', 'a', 'b', 'b']);
    expect(m.pairwise.precision).toBe(1);
    expect(m.pairwise.recall).toBeCloseTo(2 / 6, 12);
    expect(m.bcubed.recall).toBeCloseTo(0.5, 12);
    expect(m.bcubed.precision).toBe(1);
  });

  it('treats all-singletons as precision 1, recall 0', () => {
    const m = clusterMetrics(['a', 'a', 'b'], [0, 1, 2]);
    expect(m.predictedPairs).toBe(0);
    expect(m.pairwise).toEqual({ precision: 1, recall: 0, f1: 0 });
  });

  it('agrees with brute-force pair enumeration on random labelings', () => {
    let s = 12345;
    const rnd = (k: number) => { s = (s * 1103515245 + 12345) % 2 ** 31; return s % k; };
    for (let round = 0; round < 30; round++) {
      const n = 1 + rnd(60);
      const t = Array.from({ length: n }, () => rnd(1 + rnd(20)));
      const p = Array.from({ length: n }, () => rnd(1 + rnd(20)));
      const m = clusterMetrics(t, p);
      const b = bruteForce(t, p);
      expect(m.truePositivePairs).toBe(b.tp);
      expect(m.predictedPairs).toBe(b.predPairs);
      expect(m.truePairs).toBe(b.truePairs);
      expect(m.bcubed.precision).toBeCloseTo(b.bp, 10);
      expect(m.bcubed.recall).toBeCloseTo(b.br, 10);
    }
  });

  it('rejects label arrays of different lengths', () => {
    expect(() => clusterMetrics([1, 2], [1])).toThrow(/length/);
  });
});

describe('labelsFromGroups', () => {
  it('gives ungrouped records their own cluster', () => {
    const l = labelsFromGroups(5, [[0, 3], [1, 4]]);
    expect(l[0]).toBe(l[3]);
    expect(l[1]).toBe(l[4]);
    expect(new Set(l).size).toBe(3);
  });
  it('rejects a record in two groups', () => {
    expect(() => labelsFromGroups(3, [[0, 1], [1, 2]])).toThrow(/more than one/);
  });
});

describe('blockingMetrics', () => {
  it('counts the share of true pairs among candidates', () => {
    const truth = ['a', 'a', 'a', 'b', 'b']; // 3 + 1 = 4 true pairs
    expect(countTruePairs(truth)).toBe(4);
    const m = blockingMetrics(truth, [0, 0, 2, 3], [1, 3, 1, 4]); // (0,1) yes, (0,3) no, (2,1) yes, (3,4) yes
    expect(m.trueCandidatePairs).toBe(3);
    expect(m.recall).toBeCloseTo(0.75, 12);
    expect(m.pairsShare).toBeCloseTo(4 / 10, 12);
  });
});

describe('recallLoss', () => {
  it('assigns each missed true pair to blocking, threshold or clustering', async () => {
    const { recallLoss } = await import('../../src/engine/eval/loss.js');
    // Entity A = records 0,1,2,3; entity B = 4,5. Predicted groups: {0,1} {2} {3} {4,5}.
    const truth = ['A', 'A', 'A', 'A', 'B', 'B'];
    const pred = labelsFromGroups(6, [[0, 1], [4, 5]]);
    const ids = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];
    const index = new Map(ids.map((id, i) => [id, i]));
    // Candidates: (0,1) (1,2) (0,3) (4,5); linked: (0,1) (0,3) (4,5). (0,3) linked but its records were separated.
    const cands = { left: [0, 1, 0, 4], right: [1, 2, 3, 5] };
    const linked = [{ a: 'r0', b: 'r1', probability: 0.99 }, { a: 'r3', b: 'r0', probability: 0.9 }, { a: 'r4', b: 'r5', probability: 1 }];
    const l = recallLoss(truth, pred, cands, linked, index)!;
    // Missed A pairs: (0,2) (0,3) (1,2) (1,3) (2,3) — 5 of 7 true pairs.
    expect(l.truePairs).toBe(7);
    expect(l.cutByClustering).toBe(1); // (0,3)
    expect(l.belowThreshold).toBe(1); // (1,2)
    expect(l.missedByBlocking).toBe(3); // (0,2) (1,3) (2,3)
  });
});

describe('loadEngine', () => {
  it('finds resolve, explainGroup and candidatePairs in the engine', async () => {
    const { loadEngine } = await import('../../src/engine/eval/engine-loader.js');
    const e = await loadEngine();
    expect(typeof e.resolve).toBe('function');
  });
  it('fails with a clear error when the engine module is missing or has no resolve()', async () => {
    const { loadEngine, EngineNotReadyError } = await import('../../src/engine/eval/engine-loader.js');
    await expect(loadEngine('../no-such-engine.js')).rejects.toBeInstanceOf(EngineNotReadyError);
    await expect(loadEngine('./metrics.js')).rejects.toThrow(/no resolve\(\) export/);
  });
});

describe('falsePositiveKinds', () => {
  it('splits wrongly grouped pairs into same-household and other people', async () => {
    const { falsePositiveKinds } = await import('../../src/engine/eval/loss.js');
    // One predicted group {0,1,2,3}: records 0,1 are person A, 2 is B (A's household), 3 is C (another household).
    const truth = ['A', 'A', 'B', 'C'];
    const households = Int32Array.from([1, 1, 1, 2]);
    const pred = labelsFromGroups(4, [[0, 1, 2, 3]]);
    // Wrong pairs: (0,2) (1,2) same household; (0,3) (1,3) (2,3) other people.
    expect(falsePositiveKinds(truth, pred, households)).toEqual({ sameHousehold: 2, otherPeople: 3 });
  });
});
