/**
 * Accuracy regression floors at the engine's default settings: one configuration for every dataset, no labels used.
 * Floors for Febrl 3, fake_1000 and the generator are the goals (above its acceptance floors); Febrl 1 and Senzing floors sit a
 * little under what the engine achieved when they were set (see docs/evaluation.md for the latest figures).
 */
import { describe, expect, it } from 'vitest';
import { resolve } from '../../src/engine/index.js';
import { evaluateDataset } from '../../src/engine/eval/evaluate.js';
import { loadDataset } from '../../src/engine/eval/registry.js';
import type { DatasetName } from '../../src/engine/eval/types.js';

const FLOORS: Array<{ dataset: DatasetName; f1: number; blockingRecall: number; profiles?: number }> = [
  // Issue #6 goals as floors (F1), met with margin since 2026-11-22 23:50 (febrl3 0.9992, fake_1000 0.9471, generated
  // 0.986–0.992 on seven sets; the acceptance floors were 0.99 / 0.85 / 0.95); blocking-recall floors a little under
  // the 2026-11-22 figures.
  { dataset: 'febrl3', f1: 0.995, blockingRecall: 0.995 },
  { dataset: 'fake_1000', f1: 0.9, blockingRecall: 0.78 },
  { dataset: 'generated', f1: 0.97, blockingRecall: 0.99, profiles: 8000 },
  // Set a little under what the engine reached on 2026-11-22 (febrl1 F1 1.0000; senzing 0.70–0.74 across versions).
  { dataset: 'febrl1', f1: 0.99, blockingRecall: 0.99 },
  { dataset: 'senzing', f1: 0.68, blockingRecall: 0.85 },
];

describe('engine accuracy at default settings', () => {
  for (const floor of FLOORS) {
    it(`${floor.dataset}: pairwise F1 ≥ ${floor.f1}`, async () => {
      const ds = loadDataset(floor.dataset, { profiles: floor.profiles, seed: 1 });
      const r = await evaluateDataset(ds, { resolve }, { engine: {} });
      const { pairwise, bcubed } = r.metrics;
      console.log(`${floor.dataset}: P ${pairwise.precision.toFixed(4)} R ${pairwise.recall.toFixed(4)} F1 ${pairwise.f1.toFixed(4)}`
        + ` B3-F1 ${bcubed.f1.toFixed(4)} blocking recall ${r.blocking?.recall.toFixed(4)}`);
      expect(r.blocking).not.toBeNull();
      expect(r.blocking!.recall).toBeGreaterThanOrEqual(floor.blockingRecall);
      expect(pairwise.f1).toBeGreaterThanOrEqual(floor.f1);
    }, 180_000);
  }
});
