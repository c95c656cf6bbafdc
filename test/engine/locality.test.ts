import { describe, expect, it } from 'vitest';
import { buildColumns, DEFAULT_NORMALIZE } from '../../src/engine/columns.js';
import { candidatePairs } from '../../src/engine/blocking.js';
import { computePatternsParallel } from '../../src/engine/parallel.js';
import { computePatternsLocal, prepareLocality, startPatternsLocal } from '../../src/engine/locality.js';
import { generateProfiles } from '../../src/engine/generate/index.js';

describe('comparisons over renumbered profiles', () => {
  it('give exactly the patterns of the input order, inline and on worker threads', async () => {
    const { profiles } = generateProfiles(2500, 6, { meta: false });
    const cols = buildColumns(profiles, DEFAULT_NORMALIZE);
    const cand = candidatePairs(cols, 100);
    expect(cand.a.length).toBeGreaterThan(2000);
    const expected = Array.from(await computePatternsParallel(cols, cand.a, cand.b, 0));
    expect(Array.from(await computePatternsLocal(cols, cand.a, cand.b, 0, 0))).toEqual(expected);
    expect(Array.from(await computePatternsLocal(cols, cand.a, cand.b, 1, 0, 0))).toEqual(expected);
    // Prepared ahead (as resolve does while pair generation runs): the same patterns, inline and on a worker.
    for (const workers of [0, 1]) {
      const run = await startPatternsLocal(cols, cand.a, cand.b, workers, 0, 0, prepareLocality(cols));
      expect(Array.from(run.codes)).toEqual(expected);
      run.close();
    }
    // A prep that goes unused (too few pairs for the locality order): the same patterns.
    const unused = await startPatternsLocal(cols, cand.a, cand.b, 1, Infinity, 0, prepareLocality(cols));
    expect(Array.from(unused.codes)).toEqual(expected);
    unused.close();
  });
});
