/**
 * Runs the engine on a labelled dataset and scores its groups: pairwise and B-cubed P/R/F1, blocking recall (when the
 * engine exposes candidate pairs) and, on request, the worst errors with the engine's own per-attribute evidence.
 */
import type { EngineOptions, EngineProfile, PairEvidence, ResolveResult } from '../types.js';
import type { LabelledDataset } from './types.js';
import { blockingMetrics, clusterMetrics, labelsFromGroups, type BlockingMetrics, type ClusterMetrics } from './metrics.js';
import { candidatesFromResult, type CandidatePairs, type LoadedEngine } from './engine-loader.js';
import { falsePositiveKinds, recallLoss, type FalsePositiveKinds, type RecallLoss } from './loss.js';

export interface ErrorPair {
  a: EngineProfile;
  b: EngineProfile;
  /** The engine's probability for this pair (from the linked pairs, or re-scored with explainGroup). */
  probability?: number;
  /** False negatives: whether blocking produced this pair at all (undefined when candidates are unknown). */
  candidate?: boolean;
  evidence?: PairEvidence;
}

export interface EvaluationResult {
  dataset: string;
  mapping: string;
  metrics: ClusterMetrics;
  /** null when the engine does not expose its candidate pairs. */
  blocking: BlockingMetrics | null;
  result: ResolveResult;
  /** Wall time of resolve() in ms, and peak RSS (MiB) of this process so far. */
  resolveMs: number;
  peakRssMiB: number;
  /** Which stage lost the missed true pairs (null without candidates or for very large sets). */
  recallLoss: RecallLoss | null;
  /** Generated sets: false-positive pairs within a household (family, twins, juniors) vs other people. */
  falsePositiveKinds: FalsePositiveKinds | null;
  falsePositives?: ErrorPair[];
  falseNegatives?: ErrorPair[];
}

export interface EvaluateOptions {
  engine: EngineOptions;
  /** Collect up to this many false positives and false negatives (0 = none). */
  showErrors?: number;
}

export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export async function evaluateDataset(ds: LabelledDataset, engine: LoadedEngine, opts: EvaluateOptions): Promise<EvaluationResult> {
  const index = new Map<string, number>();
  ds.profiles.forEach((p, i) => {
    if (index.has(p.id)) throw new Error(`${ds.name}: duplicate profile id ${p.id}`);
    index.set(p.id, i);
  });
  const t0 = performance.now();
  const result = await engine.resolve(ds.profiles, { ...opts.engine, returnCandidates: true });
  const resolveMs = performance.now() - t0;

  const groups = result.groups.map((g) => g.profileIds.map((id) => {
    const i = index.get(id);
    if (i === undefined) throw new Error(`engine returned unknown profile id ${id}`);
    return i;
  }));
  const pred = labelsFromGroups(ds.profiles.length, groups);
  const metrics = clusterMetrics(ds.truth, pred);

  let cands = candidatesFromResult(result);
  if (!cands && engine.candidatePairs) cands = await engine.candidatePairs(ds.profiles, opts.engine);
  const blocking = cands ? blockingMetrics(ds.truth, cands.left, cands.right) : null;

  const out: EvaluationResult = {
    dataset: ds.name, mapping: ds.mapping, metrics, blocking, result, resolveMs, peakRssMiB: peakRssMiB(),
    recallLoss: cands ? recallLoss(ds.truth, pred, cands, result.pairs, index) : null,
    falsePositiveKinds: ds.households ? falsePositiveKinds(ds.truth, pred, ds.households) : null,
  };
  if (opts.showErrors) Object.assign(out, collectErrors(ds, index, pred, result, engine, opts.showErrors, cands));
  return out;
}

/** How many true pairs at most are scanned for false negatives (bounded for big inputs). */
const MAX_SCANNED_TRUE_PAIRS = 200_000;

function collectErrors(
  ds: LabelledDataset, index: Map<string, number>, pred: Int32Array, result: ResolveResult, engine: LoadedEngine,
  limit: number, cands: CandidatePairs | undefined,
): { falsePositives: ErrorPair[]; falseNegatives: ErrorPair[] } {
  const n = ds.profiles.length;
  let candidateKeys: Set<number> | undefined;
  if (cands && cands.left.length <= 5_000_000) {
    candidateKeys = new Set();
    for (let k = 0; k < cands.left.length; k++) {
      const a = cands.left[k], b = cands.right[k];
      candidateKeys.add(a < b ? a * n + b : b * n + a);
    }
  }
  const explain = (a: EngineProfile, b: EngineProfile): PairEvidence | undefined => {
    if (!engine.explainGroup) return undefined;
    try { return engine.explainGroup(result.model, [a, b])[0]; } catch { return undefined; }
  };
  // False positives: directly linked pairs of different true entities, most confident first.
  const fp = result.pairs
    .filter((p) => ds.truth[index.get(p.a)!] !== ds.truth[index.get(p.b)!])
    .sort((x, y) => y.probability - x.probability)
    .slice(0, limit)
    .map((p) => {
      const a = ds.profiles[index.get(p.a)!], b = ds.profiles[index.get(p.b)!];
      return { a, b, probability: p.probability, evidence: explain(a, b) };
    });
  // False negatives: true pairs left in different predicted groups; re-scored so near misses come first.
  const byTruth = new Map<string, number[]>();
  ds.truth.forEach((t, i) => { const l = byTruth.get(t); if (l) l.push(i); else byTruth.set(t, [i]); });
  const missed: Array<[number, number]> = [];
  let scanned = 0;
  for (const members of byTruth.values()) {
    for (let x = 0; x < members.length && scanned < MAX_SCANNED_TRUE_PAIRS; x++) {
      for (let y = x + 1; y < members.length; y++, scanned++) {
        if (pred[members[x]] !== pred[members[y]]) missed.push([members[x], members[y]]);
      }
    }
  }
  const fn = missed.slice(0, Math.max(limit * 20, 200)).map(([i, j]) => {
    const a = ds.profiles[i], b = ds.profiles[j];
    const evidence = explain(a, b);
    return { a, b, probability: evidence?.probability, evidence, candidate: candidateKeys?.has(i * n + j) };
  }).sort((x, y) => (y.probability ?? 0) - (x.probability ?? 0)).slice(0, limit);
  return { falsePositives: fp, falseNegatives: fn };
}
