import { describe, expect, it } from 'vitest';
import { fullNameCount, fullNameCounts, fullNameTable, fullNameU } from '../../src/engine/tf.js';
import { explainGroup, resolve } from '../../src/engine/index.js';
import type { EngineProfile } from '../../src/engine/types.js';
import { tinyPopulation } from './tiny-population.js';

describe('full-name frequencies', () => {
  it('counts (first, last) id pairs, looks them up and tabulates the common ones', () => {
    // names: 0 ana, 1 bo, 2 lee, 3 kim; profiles (first, last), -1 = missing
    const first = Int32Array.from([0, 0, 1, 0, 1, -1, 3]);
    const last = Int32Array.from([2, 2, 2, 3, 2, 2, 0]);
    const f = fullNameCounts(first, last, 4);
    expect(f.total).toBe(6);
    expect(fullNameCount(f, 0, 2)).toBe(2); // ana lee
    expect(fullNameCount(f, 1, 2)).toBe(2); // bo lee
    expect(fullNameCount(f, 0, 3)).toBe(1); // ana kim
    expect(fullNameCount(f, 3, 0)).toBe(1); // kim ana
    expect(fullNameCount(f, 2, 2)).toBe(0);
    expect(fullNameCount(f, 0, -1)).toBe(0);
    expect(fullNameU(f)).toBeCloseTo((4 + 4 + 1 + 1) / 36, 12);
    const t = fullNameTable(f, ['ana', 'bo', 'lee', 'kim'], 10);
    expect(t.counts).toEqual({ 'ana lee': 2, 'bo lee': 2 });
    expect(t.minCount).toBe(1);
    expect(t.total).toBe(6);
  });

  it('replaces the two name adjustments by one full-name adjustment, in resolve and in explanations', async () => {
    const pair: EngineProfile[] = [
      { id: 'x1', data: { FirstName: 'Wenjun', LastName: 'Xiao', EmailAddress: 'wx1@example.com' } },
      { id: 'x2', data: { FirstName: 'Wenjun', LastName: 'Xiao', PhoneNumber: '+12065550100' } },
    ];
    const { model } = await resolve([...tinyPopulation(150, 5).profiles, ...pair], { seed: 2, workers: 0 });
    expect(model.fullName?.uRandom).toBeGreaterThan(0);
    const ev = explainGroup(model, pair)[0]!;
    const byName = Object.fromEntries(ev.attributes.map((x) => [x.attribute, x]));
    expect(byName.firstName!.level).toBe('exact');
    expect(byName.lastName!.level).toMatch(/^exact \(full-name term frequency [+-]\d/);
    // Without the full-name table (a model saved before it), each name gets its own adjustment again.
    const { fullName: _omit, ...older } = model;
    const evOld = explainGroup(older, pair)[0]!;
    expect(evOld.attributes.find((x) => x.attribute === 'lastName')!.level).not.toMatch(/full-name/);
  });
});

describe('full-name table with a limit', () => {
  it('keeps the most common names and counts unlisted ones as the last listed', () => {
    // last name 0 with first names 1..6 seen 6, 5, 4, 3, 2, 2 times
    const first: number[] = [], last: number[] = [];
    [6, 5, 4, 3, 2, 2].forEach((c, i) => { for (let k = 0; k < c; k++) { first.push(i + 1); last.push(0); } });
    const f = fullNameCounts(Int32Array.from(first), Int32Array.from(last), 7);
    const names = ['x', 'a', 'b', 'c', 'd', 'e', 'f'];
    const t3 = fullNameTable(f, names, 3);
    expect(t3.counts).toEqual({ 'a x': 6, 'b x': 5, 'c x': 4 });
    expect(t3.minCount).toBe(4);
    const t5 = fullNameTable(f, names, 5);
    expect(Object.keys(t5.counts)).toHaveLength(5);
    expect(t5.minCount).toBe(2);
  });
});
