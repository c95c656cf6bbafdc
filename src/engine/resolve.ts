/**
 * resolve(): normalize → block → compare → train (u from random pairs, m and λ by EM) → score → cluster.
 * Pure and deterministic for a given seed; see docs/engine.md for every choice and default.
 */
import { availableParallelism } from 'node:os';
import { buildColumns, DEFAULT_NORMALIZE, type Columns, type NormalizeOptions } from './columns.js';
import { BLOCKING_RULES, BLOCKING_THREADS, candidatePairs, candidatePairsOffThread, WORKER_MIN_PROFILES, type BlockingLimits, type RuleKeys } from './blocking.js';
import { buildColumnsFromTexts, buildColumnsParallel } from './normalize-parallel.js';
import { COMPARISONS, releaseViewCaches } from './compare.js';
import { estimateU, log2, PATTERN_CODES, trainEm, type ComparisonParams, type Model } from './model.js';
import { fullNameCounts, fullNameTable, fullNameU, liveTf, tfTableOf, type LiveTf } from './tf.js';
import { cluster } from './cluster.js';
import { keyIndexOf } from './key-index.js';
import { LOCALITY_MIN_PAIRS, prepareLocality, startPatternsLocal } from './locality.js';
import { DEFAULT_EMAIL_RULES } from './normalize/email.js';
import type { CandidateSet, EngineInput, EngineOptions, EngineProfile, LinkedPair, ResolveResult } from './types.js';

export const DEFAULTS = {
  seed: 42,
  defaultCountry: 'US',
  threshold: 0.5,
  maxBlockSize: 100,
  blockPairsPerProfile: 2,
  minFullBlock: 10,
  subBlockWindow: 4,
  maxGroupSize: 100,
  tfClamp: 6,
  tfTableLimit: 5000,
  uSamples: 50_000,
};

/**
 * u of exact agreement on attributes with value counts is computed, not sampled: Σ count² / total² (the chance two
 * random profiles share a value), which sampling cannot estimate for rare values; the other levels keep their share.
 */
function exactAgreementU(u: number[][], tf: LiveTf): number[][] {
  return u.map((levels, k) => {
    const c = COMPARISONS[k]!;
    const counts = tf.counts[k];
    const total = tf.totals[k]!;
    if (c.tfLevel <= 0 || !counts || total < 2) return levels;
    let sum = 0;
    for (let i = 0; i < counts.length; i++) sum += counts[i]! * counts[i]!;
    const exact = Math.min(0.5, Math.max(sum / (total * total), 1e-9));
    let rest = 0;
    for (let l = 1; l < levels.length; l++) if (l !== c.tfLevel) rest += levels[l]!;
    return levels.map((x, l) => (l === 0 ? 1 : l === c.tfLevel ? exact : (x / rest) * (1 - exact)));
  });
}

/** The distinct pattern codes in ascending order and how many pairs have each (a dense count over all codes). */
export function patternHistogram(codes: Uint32Array): { patterns: Float64Array; counts: Float64Array } {
  const hist = new Uint32Array(PATTERN_CODES);
  for (let k = 0; k < codes.length; k++) hist[codes[k]!]!++;
  let distinct = 0;
  for (let c = 0; c < PATTERN_CODES; c++) if (hist[c]! > 0) distinct++;
  const patterns = new Float64Array(distinct), counts = new Float64Array(distinct);
  for (let c = 0, o = 0; c < PATTERN_CODES; c++) {
    if (hist[c]! === 0) continue;
    patterns[o] = c;
    counts[o++] = hist[c]!;
  }
  return { patterns, counts };
}

/**
 * Below this many profiles normalization runs inline: with two cores the main thread's share (reading the profiles,
 * merging chunk tables) and starting the workers cost about as much CPU as normalizing, and only at larger sizes does
 * the single-threaded path's garbage collection over the caller's profiles make threads clearly worth it.
 */
export const PARALLEL_MIN_PROFILES = 200_000;

/**
 * Normalize worker threads: the comparison workers plus one for the main thread's share, which it spends encoding
 * chunks and merging results (0 = inline).
 */
export function normalizeThreads(n: number, workers = Math.max(0, Math.min(availableParallelism(), 8) - 1)): number {
  return n < PARALLEL_MIN_PROFILES || workers <= 0 ? 0 : workers + 1;
}

export function normalizeOptionsOf(options: EngineOptions): NormalizeOptions {
  const o: NormalizeOptions = {
    defaultCountry: options.defaultCountry ?? DEFAULT_NORMALIZE.defaultCountry,
    emailRules: options.emailRules ?? DEFAULT_EMAIL_RULES,
  };
  if (options.identifierAttributes) o.identifierAttributes = options.identifierAttributes;
  return o;
}

export function blockingLimitsOf(options: EngineOptions): BlockingLimits {
  return {
    maxBlockSize: options.maxBlockSize ?? DEFAULTS.maxBlockSize,
    pairsPerProfile: options.blockPairsPerProfile ?? DEFAULTS.blockPairsPerProfile,
    minFullBlock: DEFAULTS.minFullBlock,
    window: options.subBlockWindow ?? DEFAULTS.subBlockWindow,
  };
}

/** The distinct candidate pairs blocking produces (for blocking-recall measurements). */
export function candidatePairsOf(profiles: EngineProfile[], options: EngineOptions = {}): CandidateSet {
  const cols = buildColumns(profiles, normalizeOptionsOf(options));
  const cand = candidatePairs(cols, blockingLimitsOf(options));
  return { left: cand.a, right: cand.b };
}

/**
 * Profiles as objects or as JSON texts (ProfileTexts: the normalize workers then read the texts, so the caller never
 * builds the objects — what a job does with the rows of its store).
 */
export async function resolve(profiles: EngineInput, options: EngineOptions = {}): Promise<ResolveResult> {
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (name: string) => {
    const t = performance.now();
    timings[name] = Math.round(t - t0);
    t0 = t;
  };
  const progress = options.onProgress ?? (() => {});
  const threshold = options.threshold ?? DEFAULTS.threshold;
  const { ids, cand, probs, linked, linkedP, model, keyIndex } = await scoreCandidates(profiles, options, lap, progress);
  const nPairs = cand.a.length;

  progress('cluster', 0);
  const { groups, cut } = cluster(ids, { a: cand.a, b: cand.b, p: probs }, {
    threshold,
    maxGroupSize: options.maxGroupSize ?? DEFAULTS.maxGroupSize,
  });
  // The linked pairs' profiles, so that the candidate pairs are not kept for them.
  const la = new Uint32Array(linked.length), lb = new Uint32Array(linked.length);
  for (let k = 0; k < linked.length; k++) {
    la[k] = cand.a[linked[k]!]!;
    lb[k] = cand.b[linked[k]!]!;
  }
  lap('cluster');
  progress('done', 1);

  const result = {
    groups,
    model,
    stats: {
      profiles: ids.length,
      candidatePairs: nPairs,
      linkedPairs: linked.length,
      groups: groups.length,
      cutLinks: cut,
      timingsMs: timings,
    },
  } as Omit<ResolveResult, 'pairs'> as ResolveResult;
  lazyPairs(result, ids, la, lb, linkedP);
  if (options.returnCandidates) result.candidates = { left: cand.a, right: cand.b };
  if (keyIndex) result.keyIndex = keyIndex;
  return result;
}

/**
 * `result.pairs`, made on first read: a million linked pairs are a million objects (~50 MB of heap, the cluster
 * stage's largest allocation after the groups, and more heap for the collector to mark), and a job never reads them
 * (it keeps the groups and the model). Until then they are 16 bytes a pair of typed arrays.
 */
function lazyPairs(result: ResolveResult, ids: string[], a: Uint32Array, b: Uint32Array, p: Float64Array): void {
  let pairs: LinkedPair[] | undefined;
  Object.defineProperty(result, 'pairs', {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!pairs) {
        pairs = new Array<LinkedPair>(a.length);
        for (let k = 0; k < a.length; k++) pairs[k] = { a: ids[a[k]!]!, b: ids[b[k]!]!, probability: p[k]! };
      }
      return pairs;
    },
    set: (value: LinkedPair[]) => {
      pairs = value;
    },
  });
}

/**
 * What training needs besides the comparison patterns: value counts, u from random pairs (exact agreement computed
 * from the counts), the model's term-frequency tables and the full-name counts. Pure functions of the columns and the
 * seed, so they are made while the blocking worker makes the pairs.
 */
function trainingInputs(cols: Columns, samples: number, seed: number) {
  const tf = liveTf(cols);
  const u = exactAgreementU(estimateU(cols, samples, seed), tf);
  const tfTables = COMPARISONS.map((c, k) =>
    c.tfLevel > 0 && c.tfTable ? tfTableOf(cols.tables[c.tfTable].values, tf.counts[k]!, tf.totals[k]!, DEFAULTS.tfTableLimit) : undefined);
  const fullName = fullNameCounts(cols.first, cols.last, cols.tables.name.values.length);
  const fullNameParams = { uRandom: fullNameU(fullName), tf: fullNameTable(fullName, cols.tables.name.values, DEFAULTS.tfTableLimit) };
  // estimateU's comparisons made compare.ts's per-view caches (name and email memos, ~6 MB) for these columns: let
  // them go before the compare stage, where memory peaks, as the comparison and scoring loops do after theirs.
  releaseViewCaches();
  return { tf, u, tfTables, fullName, fullNameParams };
}

/**
 * normalize → block → compare → train → score. A function of its own so that the columns, value counts and pattern
 * codes become garbage before clustering allocates its adjacency (peak memory at a million profiles).
 */
export async function scoreCandidates(
  profiles: EngineInput,
  options: EngineOptions,
  lap: (stage: string) => void,
  progress: (stage: string, fraction: number) => void,
) {
  const seed = options.seed ?? DEFAULTS.seed;
  const threshold = options.threshold ?? DEFAULTS.threshold;
  const maxBlockSize = options.maxBlockSize ?? DEFAULTS.maxBlockSize;
  const normalize = normalizeOptionsOf(options);

  progress('normalize', 0);
  const n = Array.isArray(profiles) ? profiles.length : profiles.ids.length;
  const threads = normalizeThreads(n, options.workers);
  let cols: Columns;
  let keys: RuleKeys[] | undefined;
  if (threads > 0) {
    ({ cols, keys } = await buildColumnsParallel(profiles, normalize, threads, (f) => progress('normalize', f)));
  } else {
    cols = Array.isArray(profiles)
      ? buildColumns(profiles, normalize, (f) => progress('normalize', f)) : buildColumnsFromTexts(profiles, normalize);
  }
  lap('normalize');

  progress('block', 0);
  const limits = blockingLimitsOf(options);
  const offThread = (options.workers ?? 1) > 0 && cols.n >= WORKER_MIN_PROFILES;
  const blocking = candidatePairsOffThread(
    cols, limits, keys, offThread, BLOCKING_RULES, WORKER_MIN_PROFILES, BLOCKING_THREADS, LOCALITY_MIN_PAIRS, options.keyIndex === true,
  );
  // While pair generation runs on its thread, the main thread prepares the comparisons' locality order, then what
  // training needs that does not depend on the comparison patterns (it would otherwise wait for the blocking worker,
  // and in the train stage the comparison worker waits for it).
  let prep = offThread ? prepareLocality(cols) : undefined;
  const samples = options.uSamples ?? Math.min(DEFAULTS.uSamples, (cols.n * (cols.n - 1)) / 2);
  const inputs = trainingInputs(cols, samples, seed);
  const cand = await blocking;
  // The saved key index (key-index.ts): blocking's sorted keys and the profiles' neighbourhood keys.
  const keyIndex = cand.sortedKeys ? keyIndexOf(cols, cand.sortedKeys) : undefined;
  delete cand.sortedKeys;
  // The pairs' processing order the blocking worker made goes with the run (dropped once scored), not with cand.
  if (prep && cand.order) prep.order = cand.order;
  delete cand.order;
  const nPairs = cand.a.length;
  lap('block');

  progress('compare', 0);
  const run = await startPatternsLocal(cols, cand.a, cand.b, options.workers, undefined, undefined, prep);
  prep = undefined; // the renumbered columns go with the run once it is scored
  lap('compare');

  // The comparison workers wait for the model to score with: end them if training fails.
  try {
    progress('train', 0);
    const { tf, u, tfTables, fullName, fullNameParams } = inputs;
    const { patterns, counts } = patternHistogram(run.codesAnyOrder?.() ?? run.codes);
    // Scoring reads the codes the comparison threads wrote (their own order): this copy is no longer needed.
    run.codes = new Uint32Array(0);
    const em = trainEm(patterns, counts, u, options.uEstimation !== 'random');
    const comparisons: ComparisonParams[] = COMPARISONS.map((c, k) => {
      const params: ComparisonParams = {
        name: c.name,
        tfLevel: c.tfLevel,
        levels: c.levels.map((label, l) => ({
          label,
          m: l === 0 ? 1 : em.m[k]![l]!,
          u: l === 0 ? 1 : em.u[k]![l]!,
          weight: l === 0 ? 0 : log2(em.m[k]![l]! / em.u[k]![l]!),
          uRandom: l === 0 ? 1 : u[k]![l]!,
        })),
      };
      if (tfTables[k]) params.tf = tfTables[k];
      return params;
    });
    const model: Model = {
      kind: 'coalesce-fellegi-sunter',
      version: 1,
      seed,
      normalize,
      comparisons,
      fullName: fullNameParams,
      lambda: em.lambda,
      threshold,
      tfClamp: DEFAULTS.tfClamp,
      blocking: {
        rules: BLOCKING_RULES.map((r) => r.name), maxBlockSize, pairsPerProfile: limits.pairsPerProfile,
        minFullBlock: limits.minFullBlock, subBlockWindow: limits.window, caps: cand.rules.map((r) => r.cap),
      },
      training: {
        randomPairs: samples,
        candidatePairs: nPairs,
        patterns: patterns.length,
        emIterations: em.iterations,
        converged: em.converged,
      },
    };
    lap('train');

    progress('score', 0);
    // Every pair is scored on the comparison threads; the linked ones come back with their double probability.
    const { probs, linked, linkedP } = await run.score(model, { counts: tf.counts, totals: tf.totals, fullName }, threshold);
    // The linked pairs stay typed arrays (candidate indices and probabilities) until resolve makes their objects.
    releaseViewCaches();
    lap('score');
    return { ids: cols.ids, cand, probs, linked, linkedP, model, keyIndex };
  } catch (e) {
    run.close();
    throw e;
  }
}
