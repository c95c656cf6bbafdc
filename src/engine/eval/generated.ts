/** The synthetic generator's output as a labelled dataset (truth = the generator's entity ids). */
import { generateProfiles } from '../generate/index.js';
import type { LabelledDataset } from './types.js';

export function generatedDataset(n: number, seed: number, noise = 1): LabelledDataset {
  const { profiles, truth, households } = generateProfiles(n, seed, { noise });
  return {
    name: 'generated', profiles, truth, households,
    mapping: `coalesce generate --profiles ${n} --seed ${seed} --noise ${noise} (truth = entity id)`,
  };
}
