/**
 * Where recall is lost: every true pair (records of one true entity) whose records the engine did not put in the same
 * group falls in exactly one stage — not a candidate (blocking), a candidate scored below the threshold (scoring), or
 * linked above the threshold but separated by clustering (anti-chaining / group-size guards).
 */
import type { LinkedPair } from '../types.js';
import type { CandidatePairs } from './engine-loader.js';

export interface RecallLoss {
  /** True pairs examined (all of them unless the set is huge). */
  truePairs: number;
  /** True pairs left in different predicted groups, by the stage that lost them. */
  missedByBlocking: number;
  belowThreshold: number;
  cutByClustering: number;
}

/** False-positive pairs of a generated set: within one household (designed hard negatives) or not. */
export interface FalsePositiveKinds { sameHousehold: number; otherPeople: number }

export function falsePositiveKinds(truth: string[], pred: Int32Array, households: Int32Array): FalsePositiveKinds | null {
  const byGroup = new Map<number, number[]>();
  pred.forEach((g, i) => { const l = byGroup.get(g); if (l) l.push(i); else byGroup.set(g, [i]); });
  const out: FalsePositiveKinds = { sameHousehold: 0, otherPeople: 0 };
  let scanned = 0;
  for (const members of byGroup.values()) {
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        if (++scanned > MAX_TRUE_PAIRS) return null;
        const i = members[x], j = members[y];
        if (truth[i] === truth[j]) continue;
        if (households[i] === households[j]) out.sameHousehold++; else out.otherPeople++;
      }
    }
  }
  return out;
}

/** Skip the breakdown beyond these sizes (it keeps pair sets in memory). */
const MAX_CANDIDATES = 5_000_000;
const MAX_TRUE_PAIRS = 2_000_000;

export function recallLoss(
  truth: string[], pred: Int32Array, cands: CandidatePairs, linked: LinkedPair[], index: Map<string, number>,
): RecallLoss | null {
  const n = truth.length;
  if (cands.left.length > MAX_CANDIDATES) return null;
  const key = (i: number, j: number) => (i < j ? i * n + j : j * n + i);
  const candidate = new Set<number>();
  for (let k = 0; k < cands.left.length; k++) candidate.add(key(cands.left[k], cands.right[k]));
  const link = new Set<number>();
  for (const p of linked) link.add(key(index.get(p.a)!, index.get(p.b)!));
  const byTruth = new Map<string, number[]>();
  truth.forEach((t, i) => { const l = byTruth.get(t); if (l) l.push(i); else byTruth.set(t, [i]); });
  const out: RecallLoss = { truePairs: 0, missedByBlocking: 0, belowThreshold: 0, cutByClustering: 0 };
  for (const members of byTruth.values()) {
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        if (++out.truePairs > MAX_TRUE_PAIRS) return null;
        const i = members[x], j = members[y];
        if (pred[i] === pred[j]) continue;
        const k = key(i, j);
        if (!candidate.has(k)) out.missedByBlocking++;
        else if (!link.has(k)) out.belowThreshold++;
        else out.cutByClustering++;
      }
    }
  }
  return out;
}
