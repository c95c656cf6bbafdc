import { describe, expect, it } from 'vitest';
import { buildColumns, DEFAULT_NORMALIZE } from '../../src/engine/columns.js';
import { BLOCKING_RULES, candidatePairs, candidatePairsOffThread, hoodInputOf, neighbourhoodOrder } from '../../src/engine/blocking.js';
import { pairOrder } from '../../src/engine/pair-order.js';
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

  it('are the same with the processing order the blocking worker makes with the pairs', async () => {
    const { profiles } = generateProfiles(3000, 9, { meta: false });
    const cols = buildColumns(profiles, DEFAULT_NORMALIZE);
    const lim = { maxBlockSize: 12, pairsPerProfile: 0.3, minFullBlock: 3, window: 3 };
    // Sub-blocking in the worker (its order reused) and not (computed there for the pair order).
    for (const limits of [lim, { ...lim, window: 0 }]) {
      // As resolve does: the main thread prepares the renumbering (published to the worker) while the worker runs.
      const pending = candidatePairsOffThread(cols, limits, undefined, true, BLOCKING_RULES, 0, 1, 0);
      const early = prepareLocality(cols);
      const cand = await pending;
      const inline = candidatePairs(cols, limits);
      expect(limits.window === 0 || cand.rules.some((r) => r.subBlocks > 0)).toBe(true);
      expect(Array.from(cand.a)).toEqual(Array.from(inline.a));
      const mine = pairOrder(cand.a, cand.b, neighbourhoodOrder(hoodInputOf(cols), cols.n).order, cols.n);
      expect(cand.order).toBeDefined();
      for (const k of ['sorted', 'sa', 'sb'] as const) expect(Array.from(cand.order![k])).toEqual(Array.from(mine[k]));
      expect(cand.order!.sorted.buffer).toBeInstanceOf(SharedArrayBuffer);
      const expected = Array.from(await computePatternsParallel(cols, cand.a, cand.b, 0));
      expect(Array.from(early.pos)).toEqual(Array.from(neighbourhoodOrder(hoodInputOf(cols), cols.n).order));
      for (const workers of [0, 1]) {
        const prep = { ...(workers ? early : prepareLocality(cols)), order: cand.order! };
        const run = await startPatternsLocal(cols, cand.a, cand.b, workers, 0, 0, prep);
        expect(Array.from(run.codes)).toEqual(expected);
        run.close();
      }
    }
    // Not asked for (below its minimum, or split over several workers): no order.
    expect((await candidatePairsOffThread(cols, lim, undefined, true, BLOCKING_RULES, 0, 1)).order).toBeUndefined();
    expect((await candidatePairsOffThread(cols, lim, undefined, true, BLOCKING_RULES, 0, 2, 0)).order).toBeUndefined();
  });
});
