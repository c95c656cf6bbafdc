import { describe, expect, it } from 'vitest';
import { explainGroup, resolve } from '../../src/engine/index.js';
import type { Model } from '../../src/engine/model.js';
import type { EngineProfile } from '../../src/engine/types.js';
import { tinyPopulation } from './tiny-population.js';

const pair: EngineProfile[] = [
  { id: 'a', data: { FirstName: 'Ana', LastName: 'Lopes', EmailAddress: 'ana.lopes77@example.com', Address: { PostalCode: '98101' } } },
  { id: 'b', data: { FirstName: 'Ana', LastName: 'Lopes', EmailAddress: 'ana.lopes76@example.com', Address: { Address1: '1 Pike St', City: 'Seattle', PostalCode: '98101' } } },
];

describe('explainGroup with a model saved by an older engine', () => {
  it('reads levels by label: levels the saved model lacks weigh 0, the others keep their weights', async () => {
    const { model } = await resolve([...tinyPopulation(120, 3).profiles, ...pair], { seed: 1, workers: 0 });
    const current = explainGroup(model, pair)[0]!;
    const email = current.attributes.find((x) => x.attribute === 'email')!;
    expect(email.level).toBe('within two edits');
    // The model as an engine without the "within two edits" and "street missing…" levels saved it.
    const old = structuredClone(model) as Model;
    for (const c of old.comparisons) c.levels = c.levels.filter((l) => l.label !== 'within two edits' && !l.label.startsWith('street missing'));
    const before = explainGroup(old, pair)[0]!;
    expect(Number.isFinite(before.totalWeight)).toBe(true);
    expect(before.attributes.find((x) => x.attribute === 'email')!.weight).toBe(0);
    expect(before.attributes.find((x) => x.attribute === 'firstName')!.weight).toBe(current.attributes.find((x) => x.attribute === 'firstName')!.weight);
  });
});
