/**
 * explainGroup(model, profiles): the per-pair, per-attribute evidence for the profiles of one group, recomputed with
 * the saved model through the same normalization, comparison and scoring code as resolve().
 */
import { buildColumns } from './columns.js';
import { patternOf, type Model } from './model.js';
import { releaseViewCaches } from './compare.js';
import { Scorer } from './score.js';
import { savedTf } from './tf.js';
import type { EngineProfile, PairEvidence } from './types.js';

export function isModel(x: unknown): x is Model {
  return typeof x === 'object' && x !== null && (x as Model).kind === 'coalesce-fellegi-sunter';
}

export function explainGroup(model: unknown, profiles: EngineProfile[]): PairEvidence[] {
  if (!isModel(model)) throw new Error('explainGroup: not a Coalesce engine model');
  const cols = buildColumns(profiles, model.normalize);
  const scorer = new Scorer(model, cols, savedTf(model.comparisons.map((c) => c.tf), cols));
  const out: PairEvidence[] = [];
  for (let a = 0; a < cols.n; a++) {
    for (let b = a + 1; b < cols.n; b++) out.push(scorer.evidence(patternOf(cols, a, b), a, b));
  }
  releaseViewCaches();
  return out;
}
