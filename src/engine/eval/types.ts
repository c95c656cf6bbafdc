/** Shapes shared by the evaluation code: a labelled dataset is profiles plus one true entity label per profile. */
import type { EngineProfile } from '../types.js';

export interface LabelledDataset {
  /** Short name used by the CLI: 'febrl3', 'fake_1000', 'senzing', 'generated'… */
  name: string;
  profiles: EngineProfile[];
  /** truth[i] is the true entity id of profiles[i]. */
  truth: string[];
  /** Generated sets: household per profile, to tell designed hard negatives from other false positives. */
  households?: Int32Array;
  /** How source fields were mapped onto the profile (printed with the results so numbers are interpretable). */
  mapping: string;
}

export const DATASET_NAMES = ['febrl3', 'febrl1', 'fake_1000', 'senzing', 'generated'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];
