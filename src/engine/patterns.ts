/** Comparison patterns of a range of candidate pairs — the hot loop, run inline or in worker threads. */
import { patternOf } from './model.js';
import { releaseViewCaches, type View } from './compare.js';

export function computePatterns(v: View, a: Uint32Array, b: Uint32Array, out: Uint32Array, from: number, to: number): void {
  for (let k = from; k < to; k++) out[k] = patternOf(v, a[k]!, b[k]!);
  releaseViewCaches();
}

/** Takes chunks of `chunk` pairs from the shared counter `next` and computes them, until every pair is taken. */
export function computeChunks(
  v: View, a: Uint32Array, b: Uint32Array, out: Uint32Array, next: Int32Array, chunk: number,
): void {
  const n = a.length;
  for (let from = Atomics.add(next, 0, chunk); from < n; from = Atomics.add(next, 0, chunk)) {
    const to = Math.min(n, from + chunk);
    for (let k = from; k < to; k++) out[k] = patternOf(v, a[k]!, b[k]!);
  }
  releaseViewCaches();
}
