/**
 * Worker thread: candidate pairs from the blocking keys (sort, size-aware caps, sub-blocking, de-duplication). Run off
 * the main thread because its heap holds the caller's profiles: the big temporary arrays made here would trigger
 * collections there that trace all of them (at a million profiles that doubled the stage's time).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pairsFromKeys, type BlockingLimits, type HoodInput, type RuleKeys, type RuleShape } from './blocking.js';

interface Job {
  n: number;
  keys: RuleKeys[];
  rules: RuleShape[];
  limits: BlockingLimits;
  hood: HoodInput;
}

const job = workerData as Job;
const r = pairsFromKeys(job.n, job.keys, job.rules, job.limits, () => job.hood);
parentPort!.postMessage(r, [r.a.buffer as ArrayBuffer, r.b.buffer as ArrayBuffer]);
