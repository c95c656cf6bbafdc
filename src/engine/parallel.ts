/**
 * Runs the comparison hot loop over the candidate pairs on several threads: the pairs and the output live in
 * SharedArrayBuffers, each worker gets a copy of the columns (typed arrays and interned strings) and one contiguous
 * range; the main thread takes a range too. Small inputs run inline (starting a thread costs more than they do).
 */
import { availableParallelism } from 'node:os';
import type { Columns } from './columns.js';
import type { View } from './compare.js';
import { computePatterns } from './patterns.js';
import { startWorker } from '../util/worker.js';

/** Below this many pairs threads do not pay off. */
export const PARALLEL_MIN_PAIRS = 200_000;

/** The columns without their maps (what a worker needs; cheaper to copy). */
export function viewOf(c: Columns): View {
  const tables = {} as View['tables'];
  for (const [k, t] of Object.entries(c.tables)) (tables as Record<string, { values: string[] }>)[k] = { values: t.values };
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
  const parts = workers + 1;
  const bounds = Array.from({ length: parts + 1 }, (_, i) => Math.floor((n * i) / parts));
  const done: Promise<void>[] = [];
  for (let w = 1; w < parts; w++) {
    const worker = startWorker(import.meta.url, './compare-worker.js', {
      workerData: { view, a: sa, b: sb, out, from: bounds[w], to: bounds[w + 1] },
    });
    done.push(
      new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
        worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`compare worker exited with ${code}`))));
      }),
    );
  }
  computePatterns(cols, sa, sb, out, bounds[0]!, bounds[1]!);
  await Promise.all(done);
  return out;
}
