/**
 * Comparisons in a cache-friendly layout. A pair reads ~20 column entries of each profile, and with profiles in input
 * order the second profile of consecutive pairs is anywhere in memory (at a million profiles, most reads miss the
 * cache). Candidate pairs mostly share a name, so with profiles renumbered in (last name, first name, birth month)
 * order — the sub-blocking order — the two profiles of a pair sit close together, and pairs processed by their lower
 * renumbered profile walk the columns almost sequentially (100k profiles: 1.4–1.7×, 400k: 1.7× less CPU). Patterns are identical;
 * they are written back in candidate-pair order.
 */
import { hoodInputOf, neighbourhoodOrder, publishedHoodOrder } from './blocking.js';
import { MULTI_COLUMNS, NAME_COLUMNS, type Columns, type Multi } from './columns.js';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { collectScores, PARALLEL_MIN_PAIRS, startCompareWorkers, startPatterns, type PatternRun } from './parallel.js';
import { pairOrder, type PairOrder } from './pair-order.js';

/** Below this many pairs the reordering costs more than it saves. */
export const LOCALITY_MIN_PAIRS = 200_000;

/** The columns with profile p of the result = profile perm[p] of `c` (shared memory, for the comparison workers). */
function permuted(c: Columns, perm: Uint32Array): Columns {
  const n = c.n;
  const out = { ...c, ids: [] as string[] } as Columns;
  for (const col of [...NAME_COLUMNS, 'dob'] as const) {
    const src = c[col];
    const dst = new Int32Array(new SharedArrayBuffer(Math.max(4, n * 4)));
    for (let p = 0; p < n; p++) dst[p] = src[perm[p]!]!;
    out[col] = dst;
  }
  // Parallel columns (the three email forms; the six address parts) have equal offsets: each group is copied in one
  // pass over the profiles and shares one offset array — a random read of the offsets per profile and group, not per
  // column (most of the copy's time at a million profiles).
  const groups: { srcOff: Int32Array; cols: (typeof MULTI_COLUMNS)[number][0][] }[] = [];
  for (const [col] of MULTI_COLUMNS) {
    const g = groups.find((x) => sameOffsets(x.srcOff, c[col].off));
    if (g) g.cols.push(col);
    else groups.push({ srcOff: c[col].off, cols: [col] });
  }
  for (const { srcOff, cols } of groups) {
    const srcs = cols.map((col) => c[col].values);
    const off = new Int32Array(new SharedArrayBuffer((n + 1) * 4));
    const dsts = srcs.map((src) => new Int32Array(new SharedArrayBuffer(Math.max(4, src.length * 4))));
    const nq = srcs.length;
    let o = 0;
    for (let p = 0; p < n; p++) {
      const i = perm[p]!;
      const s = srcOff[i]!, e = srcOff[i + 1]!;
      for (let q = 0; q < nq; q++) {
        const src = srcs[q]!, dst = dsts[q]!;
        for (let k = s, d = o; k < e; k++, d++) dst[d] = src[k]!;
      }
      o += e - s;
      off[p + 1] = o;
    }
    cols.forEach((col, q) => (out[col] = { off, values: dsts[q]!.subarray(0, srcs[q]!.length) }));
  }
  return out;
}

/** True when two offset arrays are the same (parallel multi-valued columns). */
function sameOffsets(x: Int32Array, y: Int32Array): boolean {
  if (x === y) return true;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Comparison patterns of the candidate pairs in the order given, computed in renumbered order (see above). */
export async function computePatternsLocal(
  cols: Columns, a: Uint32Array, b: Uint32Array, workers?: number, minPairs = LOCALITY_MIN_PAIRS,
  parallelMinPairs = PARALLEL_MIN_PAIRS,
): Promise<Uint32Array> {
  const run = await startPatternsLocal(cols, a, b, workers, minPairs, parallelMinPairs);
  run.close();
  return run.codes;
}

/**
 * What the locality order needs before any candidate pair: the renumbered columns. resolve prepares it while pair
 * generation runs on its own thread, when the main thread would only wait (~2.5 s of main-thread CPU at a million
 * profiles). The comparison workers are not started then: their string tables during pair generation raised the
 * peak memory at a million profiles (+270 MiB in that stage), and they start in the time the pair sort takes.
 */
export interface LocalityPrep {
  /** pos[i] = renumbered index of profile i. */
  pos: Uint32Array;
  view: Columns;
  /** The pairs' processing order, when the blocking worker made it with the pairs (pairOrder over the same pos). */
  order?: PairOrder;
}

export function prepareLocality(cols: Columns): LocalityPrep {
  // Published for the blocking worker, which needs the same order for sub-blocking and the pair order.
  const { order: pos, perm } = publishedHoodOrder(cols);
  return { pos, view: permuted(cols, perm) };
}

/**
 * startPatterns over renumbered profiles; codes, probabilities and links come back in the order given. `prep`: from
 * prepareLocality(cols), if done ahead.
 */
export async function startPatternsLocal(
  cols: Columns, a: Uint32Array, b: Uint32Array, workers?: number, minPairs = LOCALITY_MIN_PAIRS,
  parallelMinPairs = PARALLEL_MIN_PAIRS, prep?: LocalityPrep,
): Promise<PatternRun> {
  const m = a.length;
  if (m < minPairs) return startPatterns(cols, a, b, workers, parallelMinPairs);
  const threads = workers ?? Math.max(0, Math.min(availableParallelism(), 8) - 1);
  // The workers start (and rebuild the string tables, the same in both numberings) while the pairs are prepared.
  const started = threads > 0 && m >= parallelMinPairs ? startCompareWorkers(cols, threads) : undefined;
  try {
    return await localRun(cols, a, b, threads, parallelMinPairs, started, prep);
  } catch (e) {
    for (const w of started ?? []) void w.terminate();
    throw e;
  }
}

async function localRun(
  cols: Columns, a: Uint32Array, b: Uint32Array, workers: number, parallelMinPairs: number, started?: Worker[],
  prep?: LocalityPrep,
): Promise<PatternRun> {
  const m = a.length;
  let pos: Uint32Array, view: Columns;
  if (prep) ({ pos, view } = prep);
  else {
    const order = neighbourhoodOrder(hoodInputOf(cols), cols.n);
    pos = order.order;
    view = permuted(cols, order.perm);
  }
  // Processing order (pair-order.ts): made by the blocking worker with the pairs when resolve has it do so.
  const { sorted, sa, sb } = prep?.order && prep.order.sorted.length === m ? prep.order : pairOrder(a, b, pos, cols.n);
  const run = await startPatterns(view, sa, sb, workers, parallelMinPairs, started);
  // Codes in the caller's order only when asked for: resolve counts them (any order will do) and never reads them,
  // and the scattered write-back is a serial pass over every pair.
  let codes: Uint32Array | undefined;
  const inOrder = () => {
    if (!codes) {
      codes = new Uint32Array(m);
      for (let j = 0; j < m; j++) codes[sorted[j]!] = run.codes[j]!;
    }
    return codes;
  };
  // Dropped once scored: its renumbered pairs, codes and columns (~200 MB at 1M) are garbage before the scores are
  // collected (the peak memory of a million-profile run).
  let inner: PatternRun | undefined = run;
  const scored = () => {
    if (!inner) throw new Error('this pattern run has already been scored');
    return inner;
  };
  return {
    get codes() {
      return inOrder();
    },
    set codes(c: Uint32Array) {
      codes = c;
    },
    // Valid until scoring overwrites them with probabilities.
    codesAnyOrder: () => codes ?? run.codes,
    close: () => inner?.close(),
    // Raw probabilities stay in the renumbered pair order; `score` maps them back.
    scoreRaw: (model, tf, threshold) => scored().scoreRaw(model, tf, threshold),
    score: async (model, tf, threshold) => {
      const raw = await scored().scoreRaw(model, tf, threshold, sorted);
      inner = undefined;
      return collectScores(raw, sorted);
    },
  };
}
