/** Comparison patterns and pair scores of ranges of candidate pairs — the hot loops, run inline or in worker threads. */
import { patternOf, probabilityOf, type Model } from './model.js';
import { prepareBulkCompare, releaseViewCaches, type View } from './compare.js';
import { Scorer, type TfSource } from './score.js';
import { fullNameCount, type FullNameCounts } from './tf.js';

export function computePatterns(v: View, a: Uint32Array, b: Uint32Array, out: Uint32Array, from: number, to: number): void {
  // The slots cost a pass over the view's values: worth it when the pairs are about as many as the profiles.
  if (to - from >= v.n / 4) prepareBulkCompare(v);
  for (let k = from; k < to; k++) out[k] = patternOf(v, a[k]!, b[k]!);
  releaseViewCaches();
}

/** Takes chunks of `chunk` pairs from the shared counter `next` and computes them, until every pair is taken. */
export function computeChunks(
  v: View, a: Uint32Array, b: Uint32Array, out: Uint32Array, next: Int32Array, chunk: number,
): void {
  const n = a.length;
  if (n >= v.n / 4) prepareBulkCompare(v);
  for (let from = Atomics.add(next, 0, chunk); from < n; from = Atomics.add(next, 0, chunk)) {
    const to = Math.min(n, from + chunk);
    for (let k = from; k < to; k++) out[k] = patternOf(v, a[k]!, b[k]!);
  }
  releaseViewCaches();
}

/** Value counts of the TF comparisons (what a TfSource reads; plain arrays, so they can cross to a worker). */
export interface TfCounts {
  counts: (Int32Array | undefined)[];
  totals: number[];
  /** Full-name occurrence counts (see tf.ts), when the model uses them. */
  fullName?: FullNameCounts;
}

export function tfSourceOf(tf: TfCounts): TfSource {
  const source: TfSource = { count: (k, id) => tf.counts[k]?.[id] ?? 0, total: (k) => tf.totals[k]! };
  const full = tf.fullName;
  if (full) {
    source.fullName = (first, last) => fullNameCount(full, first, last);
    source.fullTotal = () => full.total;
  }
  return source;
}

const PROB_CACHE_BITS = 12;
const PROB_CACHE = 1 << PROB_CACHE_BITS;

/** The pairs of one thread whose probability reached the threshold: run-order indices and double probabilities. */
export interface LinkedPart {
  j: Uint32Array;
  p: Float64Array;
}

/**
 * Scores chunks of pairs taken from the shared counter `next` (see computeChunks). Each pair's float32 probability
 * replaces its pattern code in place (same buffer: a pair's code is read once, just before), so scoring allocates no
 * array per pair (100 MB of doubles at 12M pairs); the pairs reaching `threshold` come back with their double.
 */
export function scoreChunks(
  model: Model, v: View, tf: TfCounts, a: Uint32Array, b: Uint32Array, codes: Uint32Array, threshold: number,
  next: Int32Array, chunk: number, to?: { order: Uint32Array; out: Float32Array },
): LinkedPart {
  const scorer = new Scorer(model, v, tfSourceOf(tf));
  // Probabilities in place of the codes, or (with `to`) at order[k] of `to.out`.
  const probs = to ? to.out : new Float32Array(codes.buffer, codes.byteOffset, codes.length);
  const order = to?.order;
  const n = a.length;
  const lj: number[] = [], lp: number[] = [];
  // Weights repeat (a pattern without TF adjustments always weighs the same): probabilities by weight in a small
  // direct-mapped cache, keyed by the double's bits (the same value as computing it: 2 ** −w per pair cost more).
  const cacheW = new Float64Array(PROB_CACHE).fill(NaN), cacheP = new Float64Array(PROB_CACHE);
  const bits = new Float64Array(1), halves = new Int32Array(bits.buffer);
  for (let from = Atomics.add(next, 0, chunk); from < n; from = Atomics.add(next, 0, chunk)) {
    const to = Math.min(n, from + chunk);
    for (let k = from; k < to; k++) {
      const w = scorer.weight(codes[k]!, a[k]!, b[k]!);
      bits[0] = w;
      const slot = Math.imul(halves[0]! ^ halves[1]!, 0x9e3779b1) >>> (32 - PROB_CACHE_BITS);
      let p: number;
      if (cacheW[slot] === w) p = cacheP[slot]!;
      else p = cacheP[slot] = probabilityOf((cacheW[slot] = w));
      probs[order ? order[k]! : k] = p;
      if (p >= threshold) {
        lj.push(k);
        lp.push(p);
      }
    }
  }
  releaseViewCaches();
  return { j: Uint32Array.from(lj), p: Float64Array.from(lp) };
}
