/**
 * Runs the comparison hot loop over the candidate pairs on several threads, then (with the same threads, once the
 * model is trained) the scoring: the pairs and the outputs live in SharedArrayBuffers, each worker gets a copy of the
 * columns (typed arrays and the string tables comparisons read); the main thread and the workers take chunks of
 * pairs from a shared counter until none are left. Small inputs run inline (starting a thread costs more than they do).
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Columns } from './columns.js';
import { COMPARED_TABLES, type TableName, type View } from './compare.js';
import type { Model } from './model.js';
import { sortByHash } from './blocking.js';
import { computeChunks, computePatterns, scoreChunks, type LinkedPart, type TfCounts } from './patterns.js';
import { startWorker } from '../util/worker.js';

/** Below this many pairs threads do not pay off. */
export const PARALLEL_MIN_PAIRS = 200_000;
/** Pairs a thread takes from the shared counter at a time. */
const CHUNK_PAIRS = 16_384;

/**
 * The columns without their maps, and only the string tables comparisons read (the others empty): what a comparison
 * worker needs. Each table is millions of strings at a million profiles, which the main thread serializes and the
 * worker rebuilds before it can start.
 */
export function viewOf(c: Columns): View {
  const tables = {} as View['tables'];
  for (const [k, t] of Object.entries(c.tables)) {
    (tables as Record<string, { values: string[] }>)[k] = { values: COMPARED_TABLES.has(k as TableName) ? t.values : [] };
  }
  return { ...c, ids: [], tables };
}

function shared(src: Uint32Array): Uint32Array {
  if (src.buffer instanceof SharedArrayBuffer) return src;
  const s = new Uint32Array(new SharedArrayBuffer(src.byteLength));
  s.set(src);
  return s;
}

/** Scores of all pairs: float32 probabilities, and the pairs reaching the threshold with their double probability. */
export interface Scored {
  probs: Float32Array;
  /** Indices of the pairs whose probability is ≥ the threshold, ascending. */
  linked: Uint32Array;
  linkedP: Float64Array;
}

/** Comparison patterns of every pair; `score` then scores them with a trained model on the same threads. */
export interface PatternRun {
  /**
   * In the caller's pair order; a caller that has read them may replace them. Read them before scoring: scoring may
   * overwrite this array with the probabilities (see scoreChunks).
   */
  codes: Uint32Array;
  /** The same codes in some order (for counting them without putting them in pair order); read before scoring. */
  codesAnyOrder?(): Uint32Array;
  score(model: Model, tf: TfCounts, threshold: number): Promise<Scored>;
  /** Probabilities in this run's pair order (what `score` is made from). */
  scoreRaw(model: Model, tf: TfCounts, threshold: number, order?: Uint32Array): Promise<RawScores>;
  /** Ends the workers without scoring. */
  close(): void;
}

/** Float32 probabilities in a run's pair order (a view over its pattern codes) and each thread's linked pairs. */
export interface RawScores {
  probs: Float32Array;
  linked: LinkedPart[];
  /** True when probs are already in the caller's order (the scoring threads wrote them through `order`). */
  ordered?: boolean;
}

/** Scored from raw scores of pairs listed in `order` (order[j] = the pair's index in the caller's order; undefined = the same order). */
export function collectScores(raw: RawScores, order?: Uint32Array): Scored {
  const m = raw.probs.length;
  let probs: Float32Array;
  if (raw.ordered) probs = raw.probs;
  else {
    probs = new Float32Array(m);
    if (order) for (let j = 0; j < m; j++) probs[order[j]!] = raw.probs[j]!;
    else probs.set(raw.probs);
  }
  let nl = 0;
  for (const part of raw.linked) nl += part.j.length;
  const hash = new Uint32Array(nl), idx = new Uint32Array(nl), p = new Float64Array(nl);
  let o = 0;
  for (const part of raw.linked) {
    for (let i = 0; i < part.j.length; i++, o++) {
      const j = part.j[i]!;
      hash[o] = order ? order[j]! : j;
      idx[o] = o;
      p[o] = part.p[i]!;
    }
  }
  // Threads take chunks in any order: the linked pairs are sorted by their index in the caller's order.
  const sorted = sortByHash({ hash, idx });
  const linkedP = new Float64Array(nl);
  for (let q = 0; q < nl; q++) linkedP[q] = p[sorted.idx[q]!]!;
  return { probs, linked: sorted.hash, linkedP };
}

/** The worker's next message (its result). */
function whenDone<T = unknown>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`compare worker exited with ${code} before it finished`));
    worker.once('message', (msg: T) => {
      worker.off('exit', onExit);
      resolve(msg);
    });
    worker.once('error', reject);
    worker.once('exit', onExit);
  });
}

/**
 * Starts comparison workers and sends them the string tables (the slow part of their start: millions of strings to
 * rebuild), so that they get ready while the main thread prepares the pairs; startPatterns then sends the columns.
 */
export function startCompareWorkers(cols: Columns, workers: number): Worker[] {
  const { tables } = viewOf(cols);
  return Array.from({ length: workers }, () => startWorker(import.meta.url, './compare-worker.js', { workerData: { tables } }));
}

export async function startPatterns(
  cols: Columns,
  a: Uint32Array,
  b: Uint32Array,
  workers = Math.max(0, Math.min(availableParallelism(), 8) - 1),
  minPairs = PARALLEL_MIN_PAIRS,
  started?: Worker[],
): Promise<PatternRun> {
  const n = a.length;
  if (workers <= 0 || n < minPairs) {
    for (const w of started ?? []) void w.terminate();
    const codes = new Uint32Array(n);
    computePatterns(cols, a, b, codes, 0, n);
    const scoreRaw = async (model: Model, tf: TfCounts, threshold: number): Promise<RawScores> => {
      const linked = scoreChunks(model, cols, tf, a, b, codes, threshold, new Int32Array(1), n);
      return { probs: new Float32Array(codes.buffer, codes.byteOffset, n), linked: [linked] };
    };
    return {
      codes,
      scoreRaw,
      score: async (model, tf, threshold) => collectScores(await scoreRaw(model, tf, threshold)),
      close: () => {},
    };
  }
  const codes = new Uint32Array(new SharedArrayBuffer(n * 4));
  const sa = shared(a);
  const sb = shared(b);
  // Work is handed out in chunks from a shared counter rather than split up front: the main thread starts at once,
  // while each worker first spends a while starting up and rebuilding the tables, so fixed halves left the main
  // thread idle at the end for about that long.
  const next = new Int32Array(new SharedArrayBuffer(4));
  const pool = started ?? startCompareWorkers(cols, workers);
  const { tables: _tables, ...columns } = cols; // the tables went with workerData; typed arrays are shared memory
  const done = pool.map((w) => whenDone(w));
  try {
    for (const w of pool) w.postMessage({ columns: { ...columns, ids: [] }, a: sa, b: sb, out: codes, next, chunk: CHUNK_PAIRS });
    computeChunks(cols, sa, sb, codes, next, CHUNK_PAIRS);
    await Promise.all(done);
  } catch (e) {
    for (const w of pool) void w.terminate();
    throw e;
  }
  const close = () => {
    for (const w of pool) void w.terminate();
  };
  const scoreRaw = async (model: Model, tf: TfCounts, threshold: number, order?: Uint32Array): Promise<RawScores> => {
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const scored = pool.map((w) => whenDone<LinkedPart>(w));
    // The arrays only (a LiveTf has functions).
    const counts: TfCounts = { counts: tf.counts, totals: tf.totals, ...(tf.fullName ? { fullName: tf.fullName } : {}) };
    // With an order (shared memory), the threads write each probability straight to its place in the caller's order:
    // the scattered writes are shared out instead of a serial pass over every pair on the main thread afterwards.
    const out = order && order.buffer instanceof SharedArrayBuffer ? new Float32Array(new SharedArrayBuffer(n * 4)) : undefined;
    const to = out ? { order: order!, out } : undefined;
    for (const w of pool) w.postMessage({ model, tf: counts, threshold, next: counter, ...(to ?? {}) });
    try {
      const mine = scoreChunks(model, cols, tf, sa, sb, codes, threshold, counter, CHUNK_PAIRS, to);
      const theirs = await Promise.all(scored);
      if (out) return { probs: out, linked: [mine, ...theirs], ordered: true };
      return { probs: new Float32Array(codes.buffer, codes.byteOffset, n), linked: [mine, ...theirs] };
    } finally {
      close();
    }
  };
  return {
    codes,
    close,
    scoreRaw,
    score: async (model, tf, threshold) => collectScores(await scoreRaw(model, tf, threshold)),
  };
}

/** The comparison patterns alone (workers ended right after). */
export async function computePatternsParallel(
  cols: Columns, a: Uint32Array, b: Uint32Array, workers?: number, minPairs = PARALLEL_MIN_PAIRS,
): Promise<Uint32Array> {
  const run = await startPatterns(cols, a, b, workers, minPairs);
  run.close();
  return run.codes;
}
