/**
 * Pair scoring from a trained model: prior log-odds + level weights + term-frequency adjustments → probability.
 * Used by resolve (with live value counts) and by explainGroup (with the counts saved in the model).
 */
import { COMPARISONS, type View } from './compare.js';
import { codeLevelTable, levelOf, priorWeight, RADIX, probabilityOf, tfAdjustment, weightsOf, type Model } from './model.js';
import type { AttributeEvidence, PairEvidence } from './types.js';

/** Occurrence count of value `id` of comparison k's TF table, and the table's total. */
export interface TfSource {
  count(k: number, id: number): number;
  total(k: number): number;
  /** Occurrences of the full name (first-name id, last-name id), when full-name frequencies are known. */
  fullName?(first: number, last: number): number;
  /** Profiles with both names (denominator of full-name frequencies). */
  fullTotal?(): number;
}

/** Value counts below this get their TF adjustment cached (more common values are rare: computed each time). */
const TF_CACHE_COUNTS = 4096;

export class Scorer {
  private readonly weights: Float64Array[];
  private readonly prior: number;
  private readonly uExact: number[];
  /** Level weights flattened: entry k × stride + level. */
  private readonly flat: Float64Array;
  private readonly stride: number;
  /** Per comparison, its TF level (-1: none). */
  private readonly tfLevels: Int32Array;
  /**
   * Per TF comparison, the adjustment for each value COUNT below TF_CACHE_COUNTS, computed on first use (NaN = not
   * yet). The adjustment is a pure function of the value's count, so caching it by count gives the same numbers as
   * caching it by value id did, without an array of doubles per distinct value and thread (~60 MB at 1M profiles).
   */
  private readonly tfCache: (Float64Array | undefined)[];
  private readonly levels = codeLevelTable();
  /** u of exact full-name agreement among random pairs; 0 = no full-name adjustment (two separate ones). */
  private readonly fullU: number;

  constructor(
    private readonly model: Model,
    private readonly view: View,
    private readonly tf: TfSource,
  ) {
    this.weights = weightsOf(model.comparisons);
    this.prior = priorWeight(model);
    this.uExact = model.comparisons.map((c) => (c.tfLevel > 0 ? c.levels[c.tfLevel]!.uRandom : 0));
    this.stride = Math.max(...this.weights.map((w) => w.length));
    this.flat = new Float64Array(this.weights.length * this.stride);
    this.weights.forEach((w, k) => this.flat.set(w, k * this.stride));
    this.tfLevels = Int32Array.from(model.comparisons, (c) => (c.tfLevel > 0 ? c.tfLevel : -1));
    this.tfCache = model.comparisons.map(() => undefined);
    const names = model.comparisons[0]?.name === 'firstName' && model.comparisons[1]?.name === 'lastName';
    this.fullU = names && model.fullName && tf.fullName && tf.fullTotal ? model.fullName.uRandom : 0;
  }

  /** True when both names agree exactly and the full name's frequency replaces their separate adjustments. */
  private joint(base: number): boolean {
    return this.fullU > 0 && this.levels[base] === this.tfLevels[0] && this.levels[base + 1] === this.tfLevels[1];
  }

  /**
   * Full-name term-frequency adjustment (bits) of a pair whose first and last names agree exactly: log2(u / frequency)
   * of the full name, clamped to twice the single bound (it stands for two). With names swapped on one side, the
   * more common of the two spellings counts.
   */
  fullNameBits(a: number, b: number): number {
    const v = this.view, tf = this.tf;
    let c = tf.fullName!(v.first[a]!, v.last[a]!);
    if (v.first[a] !== v.first[b] || v.last[a] !== v.last[b]) c = Math.max(c, tf.fullName!(v.first[b]!, v.last[b]!));
    return tfAdjustment(this.fullU, Math.max(c, 1), tf.fullTotal!(), 2 * this.model.tfClamp);
  }

  /** TF adjustment (bits) of comparison k for a pair at its TF level. */
  tfBits(k: number, a: number, b: number): number {
    const c = COMPARISONS[k]!;
    const id = c.sharedValue(this.view, a, b);
    if (id < 0) return 0;
    const count = this.tf.count(k, id);
    if (count >= TF_CACHE_COUNTS) return tfAdjustment(this.uExact[k]!, count, this.tf.total(k), this.model.tfClamp);
    const cache = this.tfCache[k] ??= new Float64Array(TF_CACHE_COUNTS).fill(NaN);
    let adj = cache[count]!;
    if (adj !== adj) cache[count] = adj = tfAdjustment(this.uExact[k]!, count, this.tf.total(k), this.model.tfClamp);
    return adj;
  }

  /** Total match weight (log2 odds) of a pair whose pattern code is known. */
  weight(code: number, a: number, b: number): number {
    let w = this.prior;
    const K = this.tfLevels.length, base = code * RADIX.length, levels = this.levels;
    const joint = this.joint(base);
    for (let k = 0; k < K; k++) {
      const l = levels[base + k]!;
      if (l === 0) continue;
      w += this.flat[k * this.stride + l]!;
      if (l === this.tfLevels[k] && !(joint && k < 2)) w += this.tfBits(k, a, b);
    }
    return joint ? w + this.fullNameBits(a, b) : w;
  }

  /** Full evidence of one pair (the explanation shown by the API and console). */
  evidence(code: number, a: number, b: number): PairEvidence {
    const attributes: AttributeEvidence[] = [];
    let total = this.prior;
    const joint = this.joint(code * RADIX.length);
    for (let k = 0; k < this.weights.length; k++) {
      const c = COMPARISONS[k]!;
      const l = levelOf(code, k);
      let w = l === 0 ? 0 : this.weights[k]![l]!;
      let level = c.levels[l]!;
      const tfLevel = this.model.comparisons[k]!.tfLevel;
      if (joint && k < 2) {
        // The full name's adjustment is shown once, on the last name.
        const adj = k === 1 ? this.fullNameBits(a, b) : 0;
        if (adj !== 0) level += ` (full-name term frequency ${adj > 0 ? '+' : ''}${adj.toFixed(2)})`;
        w += adj;
      } else if (l === tfLevel && tfLevel > 0) {
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
