/**
 * Fellegi–Sunter model: u probabilities from seeded random pairs, m probabilities and the prior λ (share of matches
 * among candidate pairs) by EM over the histogram of comparison patterns (one entry per distinct level vector, so EM
 * costs nothing at 1M profiles), term-frequency adjustments for exact agreement on common values.
 * The model is plain JSON: saved with the job, read back by explainGroup and by future single-profile scoring.
 */
import { COMPARISONS, patternCode, type View } from './compare.js';
import type { NormalizeOptions } from './columns.js';
import { rng } from './random.js';

export interface LevelParams {
  label: string;
  m: number;
  u: number;
  /** log2(m/u); 0 for the null level. */
  weight: number;
  /** u among random pairs (the population value; term-frequency adjustments are relative to it). */
  uRandom: number;
}

export interface TfTable {
  /** Profiles with a value for this attribute (denominator of frequencies). */
  total: number;
  /** Occurrence counts of the most common values (values not listed occur `minCount` times or fewer). */
  counts: Record<string, number>;
  minCount: number;
}

export interface ComparisonParams {
  name: string;
  levels: LevelParams[];
  tfLevel: number;
  tf?: TfTable;
}

export interface Model {
  kind: 'coalesce-fellegi-sunter';
  version: 1;
  seed: number;
  normalize: NormalizeOptions;
  comparisons: ComparisonParams[];
  /**
   * Full-name frequencies: when first and last names both agree exactly, one term-frequency adjustment for the full
   * name (uRandom = chance two random profiles share a full name) replaces the two separate ones. Absent in models
   * saved before it existed (those add the two).
   */
  fullName?: { uRandom: number; tf: TfTable };
  /** Prior probability that a candidate pair is a match (estimated by EM). */
  lambda: number;
  /** Pairs with posterior probability ≥ threshold are linked. */
  threshold: number;
  /** Bound on each term-frequency adjustment, in bits. */
  tfClamp: number;
  blocking: {
    rules: string[];
    maxBlockSize: number;
    /** Size-aware caps (see blocking.ts); absent in models saved before they existed. */
    pairsPerProfile?: number;
    minFullBlock?: number;
    subBlockWindow?: number;
    /** Per rule: the largest block compared in full in this run. */
    caps?: number[];
  };
  training: { randomPairs: number; candidatePairs: number; patterns: number; emIterations: number; converged: boolean };
}

export const RADIX = COMPARISONS.map((c) => c.levels.length);
export const PLACE: number[] = [];
{
  let p = 1;
  for (const r of RADIX) {
    PLACE.push(p);
    p *= r;
  }
}

/** Level vector of one pair packed into an integer (mixed radix). */
export function patternOf(v: View, a: number, b: number): number {
  return patternCode(v, a, b);
}

export function levelOf(code: number, k: number): number {
  return Math.floor(code / PLACE[k]!) % RADIX[k]!;
}

/** Number of distinct pattern codes (the product of the level counts). */
export const PATTERN_CODES = PLACE[PLACE.length - 1]! * RADIX[RADIX.length - 1]!;

let codeLevels: Uint8Array | undefined;
/**
 * levelOf for every code, as one table: entry code × K + k (5.5 MB since the accuracy work's levels; built on first use). Scoring reads it once per
 * pair and comparison instead of a division and a modulo.
 */
export function codeLevelTable(): Uint8Array {
  if (codeLevels) return codeLevels;
  const K = RADIX.length;
  const t = new Uint8Array(PATTERN_CODES * K);
  // Mixed radix, first comparison least significant (as in levelOf): column k holds each level for PLACE[k] codes in
  // a row, in turn. Written column by column (a TypedArray.set of the digits per code cost 40–100 ms a thread).
  for (let k = 0; k < K; k++) {
    const place = PLACE[k]!, radix = RADIX[k]!;
    for (let o = k, code = 0; code < PATTERN_CODES; ) {
      for (let d = 0; d < radix; d++) {
        for (let r = 0; r < place; r++, code++, o += K) t[o] = d;
      }
    }
  }
  return (codeLevels = t);
}

/** u per comparison level from `samples` random pairs (seeded), with add-½ smoothing so no level gets u = 0. */
export function estimateU(v: View, samples: number, seed: number): number[][] {
  const counts = COMPARISONS.map((c) => new Float64Array(c.levels.length));
  const rand = rng(seed);
  const n = v.n;
  const K = COMPARISONS.length;
  const levels = codeLevelTable();
  for (let s = 0; s < samples && n > 1; s++) {
    const a = Math.floor(rand() * n);
    let b = Math.floor(rand() * (n - 1));
    if (b >= a) b++;
    // patternOf calls the same comparisons in the same order (one call site each: faster than a loop over them).
    const base = patternOf(v, a, b) * K;
    for (let k = 0; k < K; k++) counts[k]![levels[base + k]!]!++;
  }
  return counts.map((c) => {
    let total = 0;
    for (let l = 1; l < c.length; l++) total += c[l]! + 0.5;
    return Array.from(c, (x, l) => (l === 0 ? 1 : (x + 0.5) / total));
  });
}

export interface EmResult {
  m: number[][];
  u: number[][];
  lambda: number;
  iterations: number;
  converged: boolean;
}

/** Upper bound of m/u at each comparison's disagreement level (see trainEm). */
export const MAX_ELSE_RATIO = 0.5;
/** Lower bound of m/u at the disagreement level: one disagreement weighs at most log2(50) ≈ 5.6 bits against. */
export const MIN_ELSE_RATIO = 0.02;

/** Strength, in pairs, of the prior on λ (see trainEm). */
const LAMBDA_PRIOR_PAIRS = 2;

/**
 * EM over a pattern histogram with u fixed: m and λ are re-estimated until they move less than 1e-7.
 * m starts geometric (best level most likely for matches), λ at 0.1.
 */
export function trainEm(
  patterns: Float64Array,
  counts: Float64Array,
  uInit: number[][],
  estimateU: boolean,
  maxIterations = 200,
): EmResult {
  const u = uInit.map((x) => x.slice());
  const K = COMPARISONS.length;
  const m = COMPARISONS.map((c) => {
    const L = c.levels.length - 1;
    const raw = Array.from({ length: L + 1 }, (_, l) => (l === 0 ? 0 : 2 ** (L - l)));
    const sum = raw.reduce((s, x) => s + x, 0);
    return raw.map((x, l) => (l === 0 ? 1 : x / sum));
  });
  // λ gets a uniform Beta(1, 1) prior (posterior mean below), which only matters with few candidate pairs: in a
  // domain of ~40 profiles most candidates are matches and the plain estimate ran to 1 − 1e-9, +30 bits of prior odds
  // swamping all attribute evidence; now the prior is at most log2(candidate pairs + 1) bits.
  let lambda = 0.1;
  const P = patterns.length;
  // Flat typed arrays (entry k × S + level) instead of arrays of arrays: the pattern loop below runs P × iterations
  // times. Every sum is taken in the same order as before, so the results are the same to the bit.
  const S = Math.max(...COMPARISONS.map((c) => c.levels.length));
  const cells = new Int32Array(P * K);
  for (let p = 0; p < P; p++) for (let k = 0; k < K; k++) cells[p * K + k] = k * S + levelOf(patterns[p]!, k);
  const accM = new Float64Array(K * S), accU = new Float64Array(K * S), logRatio = new Float64Array(K * S);
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations && !converged; iterations++) {
    accM.fill(0);
    accU.fill(0);
    let accG = 0;
    let total = 0;
    // log m − log u per level, once per iteration (the pattern loop then only adds).
    for (let k = 0; k < K; k++) {
      const mk = m[k]!, uk = u[k]!;
      for (let l = 0; l < mk.length; l++) logRatio[k * S + l] = l === 0 ? 0 : Math.log(mk[l]!) - Math.log(uk[l]!);
    }
    const prior = Math.log(lambda) - Math.log(1 - lambda);
    for (let p = 0; p < P; p++) {
      const base = p * K;
      let odds = prior;
      for (let k = 0; k < K; k++) odds += logRatio[cells[base + k]!]!;
      const g = 1 / (1 + Math.exp(-odds));
      const c = counts[p]!;
      const gc = g * c;
      accG += gc;
      total += c;
      const rest = c - gc;
      for (let k = 0; k < K; k++) {
        const cell = cells[base + k]!;
        accM[cell]! += gc;
        accU[cell]! += rest;
      }
    }
    const nextLambda = (accG + LAMBDA_PRIOR_PAIRS / 2) / (total + LAMBDA_PRIOR_PAIRS);
    let delta = Math.abs(nextLambda - lambda);
    lambda = nextLambda;
    for (let k = 0; k < K && estimateU; k++) {
      const acc = accU.subarray(k * S, k * S + COMPARISONS[k]!.levels.length);
      let s = 0;
      for (let l = 1; l < acc.length; l++) s += acc[l]!;
      if (s <= 0) continue;
      for (let l = 1; l < acc.length; l++) u[k]![l] = (acc[l]! + 0.5) / (s + 0.5 * (acc.length - 1));
    }
    for (let k = 0; k < K; k++) {
      const acc = accM.subarray(k * S, k * S + COMPARISONS[k]!.levels.length);
      let s = 0;
      for (let l = 1; l < acc.length; l++) s += acc[l]!;
      if (s <= 0) continue;
      let norm = 0;
      for (let l = 1; l < acc.length; l++) norm += Math.max(acc[l]! / s, 1e-6);
      const next = Array.from(acc, (x) => Math.max(x / s, 1e-6) / norm);
      // Identifiability: disagreement (the last level) must count against a match — m ≤ u/2 there — otherwise EM
      // can settle on "same household" (shared address, phone, surname; different first names) as its match class.
      const last = acc.length - 1;
      const cap = u[k]![last]! * (COMPARISONS[k]!.maxElseRatio ?? MAX_ELSE_RATIO);
      // ...and no disagreement may be near-impossible for a match (people move, change emails): m ≥ u/50 there.
      const floor = u[k]![last]! * (COMPARISONS[k]!.minElseRatio ?? MIN_ELSE_RATIO);
      if (last > 1 && next[last]! < floor) {
        const scale = (1 - floor) / (1 - next[last]!);
        for (let l = 1; l < last; l++) next[l]! *= scale;
        next[last] = floor;
      }
      if (last > 1 && next[last]! > cap) {
        const scale = (1 - cap) / (1 - next[last]!);
        for (let l = 1; l < last; l++) next[l]! *= scale;
        next[last] = cap;
      }
      for (let l = 1; l < acc.length; l++) {
        delta = Math.max(delta, Math.abs(next[l]! - m[k]![l]!));
        m[k]![l] = next[l]!;
      }
    }
    converged = delta < 1e-7;
  }
  return { m, u, lambda, iterations, converged };
}

/** Bayes-factor weights (log2 m/u) per comparison level; null levels weigh 0. */
export function weightsOf(params: ComparisonParams[]): Float64Array[] {
  return params.map((c) => Float64Array.from(c.levels, (l, i) => (i === 0 ? 0 : l.weight)));
}

export function log2(x: number): number {
  return Math.log(x) / Math.LN2;
}

export function probabilityOf(totalWeight: number): number {
  return 1 / (1 + 2 ** -totalWeight);
}

/** log2 odds of the prior λ. */
export function priorWeight(model: Model): number {
  return log2(model.lambda / (1 - model.lambda));
}

/**
 * Term-frequency adjustment for an exact agreement on a value seen `count` times among `total` profiles:
 * log2(u_exact / frequency), clamped to ±clamp bits (Smith agreeing counts less than Zabrowski agreeing).
 */
export function tfAdjustment(uExact: number, count: number, total: number, clamp: number): number {
  if (total <= 0 || count <= 0) return 0;
  const adj = log2(uExact / (count / total));
  return Math.max(-clamp, Math.min(clamp, adj));
}
