/**
 * Pair scoring from a trained model: prior log-odds + level weights + term-frequency adjustments → probability.
 * Used by resolve (with live value counts) and by explainGroup (with the counts saved in the model).
 */
import { COMPARISONS, type View } from './compare.js';
import { levelOf, priorWeight, probabilityOf, tfAdjustment, weightsOf, type Model } from './model.js';
import type { AttributeEvidence, PairEvidence } from './types.js';

/** Occurrence count of value `id` of comparison k's TF table, and the table's total. */
export interface TfSource {
  count(k: number, id: number): number;
  total(k: number): number;
}

export class Scorer {
  private readonly weights: Float64Array[];
  private readonly prior: number;
  private readonly uExact: number[];

  constructor(
    private readonly model: Model,
    private readonly view: View,
    private readonly tf: TfSource,
  ) {
    this.weights = weightsOf(model.comparisons);
    this.prior = priorWeight(model);
    this.uExact = model.comparisons.map((c) => (c.tfLevel > 0 ? c.levels[c.tfLevel]!.uRandom : 0));
  }

  /** TF adjustment (bits) of comparison k for a pair at its TF level. */
  tfBits(k: number, a: number, b: number): number {
    const id = COMPARISONS[k]!.sharedValue(this.view, a, b);
    if (id < 0) return 0;
    return tfAdjustment(this.uExact[k]!, this.tf.count(k, id), this.tf.total(k), this.model.tfClamp);
  }

  /** Total match weight (log2 odds) of a pair whose pattern code is known. */
  weight(code: number, a: number, b: number): number {
    let w = this.prior;
    for (let k = 0; k < this.weights.length; k++) {
      const l = levelOf(code, k);
      if (l === 0) continue;
      w += this.weights[k]![l]!;
      const tfLevel = this.model.comparisons[k]!.tfLevel;
      if (l === tfLevel && tfLevel > 0) w += this.tfBits(k, a, b);
    }
    return w;
  }

  /** Full evidence of one pair (the explanation shown by the API and console). */
  evidence(code: number, a: number, b: number): PairEvidence {
    const attributes: AttributeEvidence[] = [];
    let total = this.prior;
    for (let k = 0; k < this.weights.length; k++) {
      const c = COMPARISONS[k]!;
      const l = levelOf(code, k);
      let w = l === 0 ? 0 : this.weights[k]![l]!;
      let level = c.levels[l]!;
      const tfLevel = this.model.comparisons[k]!.tfLevel;
      if (l === tfLevel && tfLevel > 0) {
        const adj = this.tfBits(k, a, b);
        if (adj !== 0) level += ` (term frequency ${adj > 0 ? '+' : ''}${adj.toFixed(2)})`;
        w += adj;
      }
      total += w;
      const ev: AttributeEvidence = { attribute: c.name, level, weight: Math.round(w * 1000) / 1000 };
      const va = c.display(this.view, a);
      const vb = c.display(this.view, b);
      if (va !== undefined) ev.valueA = va;
      if (vb !== undefined) ev.valueB = vb;
      attributes.push(ev);
    }
    return {
      a: this.view.ids[a]!,
      b: this.view.ids[b]!,
      probability: probabilityOf(total),
      totalWeight: Math.round(total * 1000) / 1000,
      attributes,
    };
  }
}
