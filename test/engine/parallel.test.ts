import { describe, expect, it } from 'vitest';
import { buildColumns, DEFAULT_NORMALIZE } from '../../src/engine/columns.js';
import { candidatePairs } from '../../src/engine/blocking.js';
import { computePatternsParallel } from '../../src/engine/parallel.js';
import { tinyPopulation } from './tiny-population.js';

describe('parallel comparisons', () => {
  it('worker threads compute exactly the inline patterns', async () => {
    const { profiles } = tinyPopulation(300, 11);
    const cols = buildColumns(profiles, DEFAULT_NORMALIZE);
    const cand = candidatePairs(cols, 100);
    expect(cand.a.length).toBeGreaterThan(100);
    const inline = await computePatternsParallel(cols, cand.a, cand.b, 0);
    const threaded = await computePatternsParallel(cols, cand.a, cand.b, 2, 0);
    expect(Array.from(threaded)).toEqual(Array.from(inline));
  });
});
