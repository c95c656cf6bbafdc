/**
 * Worker thread: candidate pairs from the blocking keys (sort, size-aware caps, sub-blocking, de-duplication). Run off
 * the main thread because its heap holds the caller's profiles: the big temporary arrays made here would trigger
 * collections there that trace all of them (at a million profiles that doubled the stage's time).
 * From `orderMinPairs` pairs on it also makes their processing order for the comparisons (pair-order.ts), reusing the
 * sub-blocking order as the renumbering — the same one the main thread computes for the renumbered columns.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  neighbourhoodOrder, pairsFromKeys, readyHoodOrder, type BlockingLimits, type HoodInput, type HoodMemo, type RuleKeys,
  type RuleShape, type SharedHoodOrder,
} from './blocking.js';
import { pairOrder } from './pair-order.js';

interface Job {
  n: number;
  keys: RuleKeys[];
  rules: RuleShape[];
  limits: BlockingLimits;
  hood: HoodInput;
  /** The sub-blocking order once the main thread has computed it (see SharedHoodOrder). */
  hoodOrder?: SharedHoodOrder;
  orderMinPairs?: number;
  /** Send back every rule's keys sorted by hash (a saved key index). */
  keepKeys?: boolean;
}

const job = workerData as Job;
const memo: HoodMemo = { published: () => readyHoodOrder(job.hoodOrder) };
const r = pairsFromKeys(job.n, job.keys, job.rules, job.limits, () => job.hood, memo, job.keepKeys === true);
if (r.a.length >= (job.orderMinPairs ?? Infinity)) {
  const pos = (memo.hood ?? memo.published!() ?? neighbourhoodOrder(job.hood, job.n)).order;
  memo.hood = undefined;
  r.order = pairOrder(r.a, r.b, pos, job.n);
}
// a and b are transferred; the order's arrays are shared memory.
const transfer = [r.a.buffer as ArrayBuffer, r.b.buffer as ArrayBuffer];
for (const k of r.sortedKeys ?? []) transfer.push(k.hash.buffer as ArrayBuffer, k.idx.buffer as ArrayBuffer);
parentPort!.postMessage(r, transfer);
