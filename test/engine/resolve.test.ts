import { describe, expect, it } from 'vitest';
import { blockingKeys, explainGroup, matchIdOf, resolve, candidatePairs } from '../../src/engine/index.js';
import type { EngineProfile, ResolveResult } from '../../src/engine/types.js';
import { tinyPopulation } from './tiny-population.js';

const AWS_EXAMPLES: EngineProfile[] = [
  { id: 'john-1', data: { FirstName: 'John', LastName: 'Doe', BirthDate: '1980-01-02', Address: { Address1: '100 Pike Street', City: 'Seattle', PostalCode: '98101' } } },
  { id: 'john-2', data: { FirstName: 'Jhn', LastName: 'Doe', BirthDate: '01/02/1980', Address: { Address1: '100 Pike St', City: 'Seattle', PostalCode: '98101' } } },
  { id: 'email-1', data: { FirstName: 'Carla', LastName: 'Mendes', EmailAddress: 'JOHN_DOE@ANYCOMPANY.COM' } },
  { id: 'email-2', data: { FirstName: 'Carla', LastName: 'Mendes', BusinessEmailAddress: 'johndoe@anycompany.com' } },
  { id: 'phone-1', data: { FirstName: 'Tomas', LastName: 'Berg', PhoneNumber: '555-010-0000' } },
  { id: 'phone-2', data: { FirstName: 'Tomas', LastName: 'Berg', MobilePhoneNumber: '+1-555-010-0000' } },
];

const population = tinyPopulation(200, 7);
const profiles = [...population.profiles, ...AWS_EXAMPLES];

function groupOf(r: ResolveResult, id: string): string | undefined {
  return r.groups.find((g) => g.profileIds.includes(id))?.matchId;
}

/** Pairwise F1 of the result against the population's truth. */
function pairwiseF1(r: ResolveResult): number {
  const truth = new Map(population.profiles.map((p, i) => [p.id, population.entity[i]!]));
  let tp = 0, predicted = 0, actual = 0;
  for (const g of r.groups) {
    const ids = g.profileIds.filter((id) => truth.has(id));
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
      predicted++;
      if (truth.get(ids[i]!) === truth.get(ids[j]!)) tp++;
    }
  }
  const counts = new Map<number, number>();
  for (const e of population.entity) counts.set(e, (counts.get(e) ?? 0) + 1);
  for (const c of counts.values()) actual += (c * (c - 1)) / 2;
  const p = tp / predicted, rc = tp / actual;
  return (2 * p * rc) / (p + rc);
}

describe('resolve', async () => {
  const result = await resolve(profiles, { workers: 0, seed: 3 });

  it('matches the AWS documentation examples', () => {
    for (const [a, b] of [['john-1', 'john-2'], ['email-1', 'email-2'], ['phone-1', 'phone-2']] as const) {
      expect(groupOf(result, a), `${a} grouped`).toBeDefined();
      expect(groupOf(result, a), `${a} with ${b}`).toBe(groupOf(result, b));
    }
    expect(groupOf(result, 'john-1')).not.toBe(groupOf(result, 'email-1'));
  });

  it('groups a noisy population accurately', () => {
    expect(pairwiseF1(result)).toBeGreaterThan(0.9);
  });

  it('returns well-formed groups, pairs, stats and a JSON model', () => {
    for (const g of result.groups) {
      expect(g.profileIds.length).toBeGreaterThanOrEqual(2);
      expect(g.confidenceScore).toBeGreaterThan(0);
      expect(g.confidenceScore).toBeLessThanOrEqual(1);
      expect(g.matchId).toBe(matchIdOf(g.profileIds));
      expect(g.matchId).toMatch(/^[0-9a-f]{32}$/);
    }
    const all = result.groups.flatMap((g) => g.profileIds);
    expect(new Set(all).size).toBe(all.length);
    expect(result.stats.profiles).toBe(profiles.length);
    expect(result.stats.candidatePairs).toBeGreaterThanOrEqual(result.stats.linkedPairs);
    expect(result.pairs.length).toBe(result.stats.linkedPairs);
    expect(result.pairs.every((p) => p.probability >= 0.5 && p.probability <= 1)).toBe(true);
    const model = JSON.parse(JSON.stringify(result.model));
    expect(model).toEqual(result.model);
    expect(model.comparisons.map((c: { name: string }) => c.name)).toContain('email');
  });

  it('is deterministic for a seed', async () => {
    const again = await resolve(profiles, { workers: 0, seed: 3 });
    expect(again.groups).toEqual(result.groups);
    expect(again.model).toEqual(result.model);
  });

  it('keeps MatchIds of unchanged groups when unrelated profiles are added', async () => {
    const extra: EngineProfile = { id: 'zz-new', data: { FirstName: 'Quentin', LastName: 'Xylander', BirthDate: '1933-03-03' } };
    const more = await resolve([...profiles, extra], { workers: 0, seed: 3 });
    const before = new Map(result.groups.map((g) => [g.profileIds.join(','), g.matchId]));
    let same = 0;
    for (const g of more.groups) {
      const id = before.get(g.profileIds.join(','));
      if (id) {
        expect(g.matchId).toBe(id);
        same++;
      }
    }
    expect(same).toBeGreaterThan(result.groups.length * 0.9);
    expect(matchIdOf(['b', 'a'])).toBe(matchIdOf(['a', 'b']));
  });

  it('explains a group with the saved model through the same scoring', () => {
    const gid = groupOf(result, 'email-1')!;
    const group = result.groups.find((g) => g.matchId === gid)!;
    const members = profiles.filter((p) => group.profileIds.includes(p.id));
    const evidence = explainGroup(JSON.parse(JSON.stringify(result.model)), members);
    expect(evidence).toHaveLength((members.length * (members.length - 1)) / 2);
    const pair = evidence.find((e) => [e.a, e.b].sort().join() === 'email-1,email-2')!;
    const email = pair.attributes.find((a) => a.attribute === 'email')!;
    expect(email.level).toMatch(/^exact ignoring \. _ -/);
    expect(email.weight).toBeGreaterThan(0);
    expect(email.valueA).toBeDefined();
    expect(pair.attributes.find((a) => a.attribute === 'birthDate')).toMatchObject({ level: 'null', weight: 0 });
    const linked = result.pairs.find((p) => [p.a, p.b].sort().join() === 'email-1,email-2')!;
    expect(pair.probability).toBeCloseTo(linked.probability, 9);
    expect(() => explainGroup({ not: 'a model' }, members)).toThrow(/model/);
  });

  it('exposes the candidate pairs for blocking recall', async () => {
    const c = candidatePairs(profiles);
    expect(c.left.length).toBe(result.stats.candidatePairs);
    const withCandidates = await resolve(profiles, { workers: 0, seed: 3, returnCandidates: true });
    expect(Array.from(withCandidates.candidates!.left)).toEqual(Array.from(c.left));
    for (let k = 0; k < c.left.length; k++) expect(c.left[k]!).toBeLessThan(c.right[k]!);
  });

  it('gives the blocking keys a job saves for later single-profile matching', () => {
    const [k1, k2] = blockingKeys([AWS_EXAMPLES[4]!, AWS_EXAMPLES[5]!], result.model);
    expect(k1).toContain('phone:+15550100000');
    expect(k1!.filter((k) => k2!.includes(k)).length).toBeGreaterThan(0);
  });

  it('treats names that are Object.prototype members as plain values', async () => {
    const odd: EngineProfile[] = [
      { id: 'o1', data: { FirstName: 'Constructor', LastName: 'Proto', EmailAddress: 'c@p.io' } },
      { id: 'o2', data: { FirstName: 'constructor', LastName: 'proto', EmailAddress: 'c@p.io' } },
    ];
    const r = await resolve([...profiles, ...odd], { workers: 0, seed: 3 });
    const ev = explainGroup(JSON.parse(JSON.stringify(r.model)), odd);
    expect(Number.isFinite(ev[0]!.totalWeight)).toBe(true);
    expect(ev[0]!.probability).toBeGreaterThan(0.5);
  });

  it('handles empty and single-profile input', async () => {
    expect((await resolve([], { workers: 0 })).groups).toEqual([]);
    expect((await resolve([AWS_EXAMPLES[0]!], { workers: 0 })).groups).toEqual([]);
  });
});
