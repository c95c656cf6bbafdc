/**
 * Clustering accuracy against ground truth, computed from the contingency table of (true cluster, predicted cluster)
 * counts — linear in the number of records, never enumerating pairs.
 *   pairwise: TP = Σ C(n_ij, 2); predicted pairs = Σ C(b_j, 2); true pairs = Σ C(a_i, 2)
 *   B-cubed:  P = (1/N) Σ n_ij² / b_j;  R = (1/N) Σ n_ij² / a_i
 * Records absent from every predicted group are singletons.
 */

export interface PRF { precision: number; recall: number; f1: number }

export interface ClusterMetrics {
  records: number;
  trueClusters: number;
  predictedClusters: number;
  truePairs: number;
  predictedPairs: number;
  truePositivePairs: number;
  pairwise: PRF;
  bcubed: PRF;
}

const pairs = (n: number) => (n * (n - 1)) / 2;
export const f1 = (p: number, r: number) => (p + r > 0 ? (2 * p * r) / (p + r) : 0);

/** Interns arbitrary labels into dense integers 0..k-1. */
export function internLabels(labels: ArrayLike<string | number>): { ids: Int32Array; count: number } {
  const map = new Map<string | number, number>();
  const ids = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let id = map.get(labels[i]);
    if (id === undefined) { id = map.size; map.set(labels[i], id); }
    ids[i] = id;
  }
  return { ids, count: map.size };
}

/**
 * Predicted cluster id per record from groups of record indexes; records in no group get their own cluster.
 * A record listed in two groups is an engine bug: reported, not silently merged.
 */
export function labelsFromGroups(n: number, groups: Iterable<ArrayLike<number>>): Int32Array {
  const out = new Int32Array(n).fill(-1);
  let next = 0;
  for (const g of groups) {
    const id = next++;
    for (let k = 0; k < g.length; k++) {
      const i = g[k];
      if (out[i] !== -1) throw new Error(`record ${i} appears in more than one predicted group`);
      out[i] = id;
    }
  }
  for (let i = 0; i < n; i++) if (out[i] === -1) out[i] = next++;
  return out;
}

/** Pairwise and B-cubed precision/recall/F1 of predicted vs true labels (same length, one per record). */
export function clusterMetrics(trueLabels: ArrayLike<string | number>, predLabels: ArrayLike<string | number>): ClusterMetrics {
  const n = trueLabels.length;
  if (predLabels.length !== n) throw new Error(`label arrays differ in length: ${n} vs ${predLabels.length}`);
  const t = internLabels(trueLabels);
  const p = internLabels(predLabels);
  const a = new Float64Array(t.count);
  const b = new Float64Array(p.count);
  const cells = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    a[t.ids[i]]++;
    b[p.ids[i]]++;
    const key = t.ids[i] * p.count + p.ids[i]; // < 2^53 for any realistic n
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  let tp = 0, bcP = 0, bcR = 0;
  for (const [key, nij] of cells) {
    const i = Math.floor(key / p.count), j = key - i * p.count;
    tp += pairs(nij);
    bcP += (nij * nij) / b[j];
    bcR += (nij * nij) / a[i];
  }
  let truePairs = 0, predPairs = 0;
  for (const x of a) truePairs += pairs(x);
  for (const x of b) predPairs += pairs(x);
  // With no predicted pairs nothing was wrongly linked (precision 1); with no true pairs nothing was missed.
  const precision = predPairs ? tp / predPairs : 1;
  const recall = truePairs ? tp / truePairs : 1;
  const bp = n ? bcP / n : 1, br = n ? bcR / n : 1;
  return {
    records: n, trueClusters: t.count, predictedClusters: p.count,
    truePairs, predictedPairs: predPairs, truePositivePairs: tp,
    pairwise: { precision, recall, f1: f1(precision, recall) },
    bcubed: { precision: bp, recall: br, f1: f1(bp, br) },
  };
}

/** Total number of record pairs that share a true label (the denominator of blocking recall). */
export function countTruePairs(trueLabels: ArrayLike<string | number>): number {
  const { ids, count } = internLabels(trueLabels);
  const sizes = new Float64Array(count);
  for (let i = 0; i < ids.length; i++) sizes[ids[i]]++;
  let s = 0;
  for (const x of sizes) s += pairs(x);
  return s;
}

export interface BlockingMetrics {
  candidatePairs: number;
  trueCandidatePairs: number;
  truePairs: number;
  /** Share of true pairs that are among the candidate pairs. */
  recall: number;
  /** Candidate pairs per record pair: 1 - reduction ratio. */
  pairsShare: number;
}

/**
 * Blocking recall from the candidate pairs (record indexes, each unordered pair once). Duplicate candidate pairs
 * would inflate the figure, so the caller must pass distinct pairs (the engine's contract).
 */
export function blockingMetrics(
  trueLabels: ArrayLike<string | number>, left: ArrayLike<number>, right: ArrayLike<number>,
): BlockingMetrics {
  const { ids } = internLabels(trueLabels);
  let hits = 0;
  for (let k = 0; k < left.length; k++) if (ids[left[k]] === ids[right[k]]) hits++;
  const truePairs = countTruePairs(trueLabels);
  const n = trueLabels.length;
  return {
    candidatePairs: left.length, trueCandidatePairs: hits, truePairs,
    recall: truePairs ? hits / truePairs : 1,
    pairsShare: n > 1 ? left.length / pairs(n) : 0,
  };
}
