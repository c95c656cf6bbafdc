/** Worker thread: computes comparison patterns into shared memory, taking chunks of pairs from a shared counter. */
import { parentPort, workerData } from 'node:worker_threads';
import { computeChunks } from './patterns.js';
import type { View } from './compare.js';

interface Job {
  view: View;
  a: Uint32Array;
  b: Uint32Array;
  out: Uint32Array;
  next: Int32Array;
  chunk: number;
}

const job = workerData as Job;
computeChunks(job.view, job.a, job.b, job.out, job.next, job.chunk);
parentPort!.postMessage('done');
