/** Runs computePatterns over the candidate pairs, inline for now. */
import type { View } from './compare.js';
import { computePatterns } from './patterns.js';

export async function computePatternsParallel(v: View, a: Uint32Array, b: Uint32Array, workers?: number): Promise<Uint32Array> {
  void workers;
  const out = new Uint32Array(a.length);
  computePatterns(v, a, b, out, 0, a.length);
  return out;
}
