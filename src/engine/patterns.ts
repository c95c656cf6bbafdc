/** Comparison patterns of a range of candidate pairs — the hot loop, run inline or in worker threads. */
import { patternOf } from './model.js';
import { releaseViewCaches, type View } from './compare.js';

export function computePatterns(v: View, a: Uint32Array, b: Uint32Array, out: Uint32Array, from: number, to: number): void {
  for (let k = from; k < to; k++) out[k] = patternOf(v, a[k]!, b[k]!);
  releaseViewCaches();
}
