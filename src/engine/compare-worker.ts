/** Worker thread: computes the comparison patterns of one range of candidate pairs into shared memory. */
import { parentPort, workerData } from 'node:worker_threads';
import { computePatterns } from './patterns.js';
import type { View } from './compare.js';

interface Job {
  view: View;
  a: Uint32Array;
  b: Uint32Array;
  out: Uint32Array;
  from: number;
  to: number;
}

const job = workerData as Job;
computePatterns(job.view, job.a, job.b, job.out, job.from, job.to);
parentPort!.postMessage('done');
