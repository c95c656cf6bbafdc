/**
 * Worker thread: gets the string tables at start (rebuilding them takes a while, which overlaps the main thread's
 * preparation), then the columns and pairs; computes comparison patterns into shared memory, taking chunks of pairs
 * from a shared counter; then, when the main thread sends the trained model, scores pairs the same way (or is
 * terminated).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { computeChunks, scoreChunks, type TfCounts } from './patterns.js';
import type { View } from './compare.js';
import type { Model } from './model.js';

interface CompareJob {
  columns: Omit<View, 'tables'>;
  a: Uint32Array;
  b: Uint32Array;
  out: Uint32Array;
  next: Int32Array;
  chunk: number;
}

interface ScoreJob {
  model: Model;
  tf: TfCounts;
  threshold: number;
  next: Int32Array;
  /** Write probabilities to out[order[k]] (the caller's pair order) instead of in place of the codes. */
  order?: Uint32Array;
  out?: Float32Array;
}

const data = workerData as { tables?: View['tables'] };
parentPort!.once('message', (job: CompareJob) => {
  const view: View = { ...job.columns, tables: data.tables! };
  computeChunks(view, job.a, job.b, job.out, job.next, job.chunk);
  // Scoring reads ids only (TF caches are sized from the value counts): let the strings go while training runs.
  data.tables = undefined;
  view.tables = Object.fromEntries(Object.keys(view.tables).map((k) => [k, { values: [] }])) as unknown as View['tables'];
  parentPort!.once('message', (s: ScoreJob) => {
    const to = s.order && s.out ? { order: s.order, out: s.out } : undefined;
    const linked = scoreChunks(s.model, view, s.tf, job.a, job.b, job.out, s.threshold, s.next, job.chunk, to);
    parentPort!.postMessage(linked, [linked.j.buffer as ArrayBuffer, linked.p.buffer as ArrayBuffer]);
  });
  parentPort!.postMessage('done');
});
