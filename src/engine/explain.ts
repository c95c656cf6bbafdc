/**
 * explainGroup(model, profiles): the per-pair, per-attribute evidence for the profiles of one group, recomputed with
 * the saved model through the same normalization, comparison and scoring code as resolve().
 */
import { buildColumns } from './columns.js';
import { patternOf, type Model } from './model.js';
import { COMPARISONS, releaseViewCaches } from './compare.js';
import { Scorer } from './score.js';
import { savedTf } from './tf.js';
import type { EngineProfile, PairEvidence } from './types.js';

export function isModel(x: unknown): x is Model {
  return typeof x === 'object' && x !== null && (x as Model).kind === 'coalesce-fellegi-sunter';
}

export function explainGroup(saved: unknown, profiles: EngineProfile[]): PairEvidence[] {
  return scorePairs(saved, profiles, 'explainGroup', (a) => a + 1);
}

/**
 * Single-profile matching: `profile` against each of `others` (e.g. the candidates key-index.ts found), scored with
 * the saved model through the same code as explainGroup; one PairEvidence per other profile, in their order.
 */
export function scoreProfile(saved: unknown, profile: EngineProfile, others: EngineProfile[]): PairEvidence[] {
  return scorePairs(saved, [profile, ...others], 'scoreProfile', (a) => (a === 0 ? 1 : Infinity));
}

/** Evidence of the pairs (a, b), b from firstB(a) on, of `profiles` under the saved model. */
function scorePairs(saved: unknown, profiles: EngineProfile[], caller: string, firstB: (a: number) => number): PairEvidence[] {
  if (!isModel(saved)) throw new Error(`${caller}: not a Coalesce engine model`);
  const model = withCurrentLevels(saved);
  const cols = buildColumns(profiles, model.normalize);
  const scorer = new Scorer(model, cols, savedTf(model.comparisons.map((c) => c.tf), cols, model.fullName?.tf));
  const out: PairEvidence[] = [];
  for (let a = 0; a < cols.n; a++) {
    for (let b = firstB(a); b < cols.n; b++) out.push(scorer.evidence(patternOf(cols, a, b), a, b));
  }
  releaseViewCaches();
  return out;
}

/**
 * A model saved by an engine whose comparisons had other levels (a level added or split since) is read level by
 * label: a level the saved model does not know weighs 0 (no evidence), so older jobs still explain their groups.
 */
function withCurrentLevels(model: Model): Model {
  const same = COMPARISONS.every((c, k) => {
    const saved = model.comparisons[k];
    return saved?.name === c.name && saved.levels.length === c.levels.length && saved.levels.every((l, i) => l.label === c.levels[i]);
  });
  if (same) return model;
  const comparisons = COMPARISONS.map((c, k) => {
    const saved = model.comparisons.find((s) => s.name === c.name) ?? model.comparisons[k];
    const byLabel = new Map((saved?.levels ?? []).map((l) => [l.label, l]));
    const levels = c.levels.map((label) => byLabel.get(label) ?? { label, m: 1, u: 1, weight: 0, uRandom: 1 });
    const tfLevel = saved && saved.tfLevel > 0 ? c.levels.indexOf(saved.levels[saved.tfLevel]?.label ?? '') : -1;
    return { ...saved, name: c.name, levels, tfLevel, ...(tfLevel > 0 ? {} : { tf: undefined }) };
  });
  return { ...model, comparisons };
}
