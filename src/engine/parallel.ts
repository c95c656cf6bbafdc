/**
 * Runs the comparison hot loop over the candidate pairs on several threads: the pairs and the output live in
 * SharedArrayBuffers, each worker gets a copy of the columns (typed arrays and interned strings); the main thread
 * and the workers take chunks of pairs from a shared counter until none are left. Small inputs run inline (starting a thread costs more than they do).
 */
import { availableParallelism } from 'node:os';
import type { Columns } from './columns.js';
import { COMPARED_TABLES, type TableName, type View } from './compare.js';
import { computeChunks, computePatterns } from './patterns.js';
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

export async function computePatternsParallel(
  cols: Columns,
  a: Uint32Array,
  b: Uint32Array,
  workers = Math.max(0, Math.min(availableParallelism(), 8) - 1),
  minPairs = PARALLEL_MIN_PAIRS,
): Promise<Uint32Array> {
  const n = a.length;
  if (workers <= 0 || n < minPairs) {
    const out = new Uint32Array(n);
    computePatterns(cols, a, b, out, 0, n);
    return out;
  }
  const out = new Uint32Array(new SharedArrayBuffer(n * 4));
  const sa = shared(a);
  const sb = shared(b);
  const view = viewOf(cols);
  // Work is handed out in chunks from a shared counter rather than split up front: the main thread starts at once,
  // while each worker first spends a while starting up and rebuilding the view, so fixed halves left the main
  // thread idle at the end for about that long.
  const next = new Int32Array(new SharedArrayBuffer(4));
  const done: Promise<void>[] = [];
  for (let w = 0; w < workers; w++) {
    const worker = startWorker(import.meta.url, './compare-worker.js', {
      workerData: { view, a: sa, b: sb, out, next, chunk: CHUNK_PAIRS },
    });
    done.push(
      new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
        worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`compare worker exited with ${code}`))));
      }),
    );
  }
  computeChunks(cols, sa, sb, out, next, CHUNK_PAIRS);
  await Promise.all(done);
  return out;
}
