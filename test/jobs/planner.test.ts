import { describe, expect, it } from 'vitest';
import { planAutoMerges, planGroup, previewCounts, type PlannerProfile } from '../../src/jobs/planner.js';
import { resolveManual, fieldSourcesToUnits } from '../../src/jobs/fields.js';
import type { AutoMerging } from '../../src/api/generated/types.js';
import type { FieldMeta, ProfileData } from '../../src/model/profile.js';

function p(id: string, createdAt: number, data: ProfileData, meta: Record<string, Partial<FieldMeta>> = {}): PlannerProfile {
  const full: Record<string, FieldMeta> = {};
  for (const [k, m] of Object.entries(meta)) full[k] = { updatedAt: m.updatedAt ?? createdAt, ingestedAt: m.ingestedAt ?? createdAt, source: m.source ?? '_api' };
  return { profileId: id, data, meta: full, createdAt, updatedAt: createdAt };
}
const group = (ids: string[], score = 0.9) => ({ matchId: 'm1', profileIds: ids, confidenceScore: score });

describe('auto-merge planner', () => {
  const settings: AutoMerging = {
    Enabled: true,
    Consolidation: { MatchingAttributesList: [['EmailAddress'], ['FirstName', 'LastName', 'Address.City']] },
    ConflictResolution: { ConflictResolvingModel: 'RECENCY' },
    MinAllowedConfidenceScoreForMerging: 0.5,
  };

  it('merges on a criterion with case-insensitive email; main is the earliest created', () => {
    const a = p('a', 2, { EmailAddress: 'John@X.com', FirstName: 'John' }, { FirstName: { updatedAt: 5 } });
    const b = p('b', 1, { EmailAddress: ' john@x.com', FirstName: 'Johnny' }, { FirstName: { updatedAt: 9 } });
    const [m] = planGroup(group(['a', 'b']), [a, b], settings);
    expect(m!.mainProfileId).toBe('b');
    expect(m!.mergedProfileIds).toEqual(['a']);
    expect(m!.result.data.FirstName).toBe('Johnny'); // RECENCY: updatedAt 9 > 5
  });

  it('a missing attribute fails the criterion; all attributes of a criterion must be equal', () => {
    const a = p('a', 1, { FirstName: 'Ann', LastName: 'Lee', Address: { City: 'Paris' } });
    const b = p('b', 2, { FirstName: 'ann', LastName: 'LEE', Address: { City: 'Lyon' } });
    const c = p('c', 3, { FirstName: 'Ann', LastName: 'Lee' });
    expect(planGroup(group(['a', 'b', 'c']), [a, b, c], settings)).toEqual([]);
  });

  it('criteria are OR-ed and transitive over merged values', () => {
    // criterion 1 merges A and B (email); the merged AB gets B's newer city; criterion 2 then matches C on it.
    const a = p('a', 1, { EmailAddress: 'a@x.com', FirstName: 'Ann', LastName: 'Lee', Address: { City: 'Paris' } });
    const b = p('b', 2, { EmailAddress: 'A@x.com', Address: { City: 'Lyon' } }, { 'Address.City': { updatedAt: 50 } });
    const c = p('c', 3, { FirstName: 'Ann', LastName: 'Lee', Address: { City: 'Lyon' } });
    const merges = planGroup(group(['a', 'b', 'c']), [a, b, c], settings);
    expect(merges).toHaveLength(1);
    expect(merges[0]!.mainProfileId).toBe('a');
    expect(merges[0]!.mergedProfileIds.sort()).toEqual(['b', 'c']);
  });

  it('skips groups below the confidence threshold and reports preview counts', () => {
    const a = p('a', 1, { EmailAddress: 'a@x.com' });
    const b = p('b', 2, { EmailAddress: 'a@x.com' });
    const c = p('c', 1, { EmailAddress: 'c@x.com' });
    const d = p('d', 2, { EmailAddress: 'c@x.com' });
    const byId = new Map([a, b, c, d].map((x) => [x.profileId, x]));
    const groups = [group(['a', 'b'], 0.9), { ...group(['c', 'd'], 0.2), matchId: 'm2' }];
    expect(planAutoMerges(groups, (id) => byId.get(id), settings).map((m) => m.matchId)).toEqual(['m1']);
    expect(previewCounts(groups, (id) => byId.get(id), settings)).toEqual({
      NumberOfMatchesInSample: 2, NumberOfProfilesInSample: 4, NumberOfProfilesWillBeMerged: 2,
    });
  });

  it('phone numbers compare in E.164', () => {
    const s: AutoMerging = { ...settings, Consolidation: { MatchingAttributesList: [['PhoneNumber']] } };
    const a = p('a', 1, { PhoneNumber: '555-010-0000' });
    const b = p('b', 2, { PhoneNumber: '+1-555-010-0000' });
    expect(planGroup(group(['a', 'b']), [a, b], s)).toHaveLength(1);
  });

  it('SOURCE prefers the named object type, falling back to RECENCY when both or neither come from it', () => {
    const s: AutoMerging = { ...settings, ConflictResolution: { ConflictResolvingModel: 'SOURCE', SourceName: 'crm' } };
    const a = p('a', 1, { EmailAddress: 'a@x.com', FirstName: 'Crm', LastName: 'Old', BirthDate: '1990-01-01' },
      { FirstName: { source: 'crm', updatedAt: 1 }, LastName: { source: 'web', updatedAt: 1 }, BirthDate: { source: 'crm', updatedAt: 1 } });
    const b = p('b', 2, { EmailAddress: 'a@x.com', FirstName: 'Web', LastName: 'New', BirthDate: '1991-01-01' },
      { FirstName: { source: 'web', updatedAt: 99 }, LastName: { source: 'pos', updatedAt: 99 }, BirthDate: { source: 'crm', updatedAt: 7 } });
    const [m] = planGroup(group(['a', 'b']), [a, b], s);
    expect(m!.result.data.FirstName).toBe('Crm');
    expect(m!.result.data.LastName).toBe('New');
    expect(m!.result.data.BirthDate).toBe('1991-01-01');
    expect(m!.result.meta.FirstName!.source).toBe('crm');
  });

  it('RECENCY ties are broken by ingestion time; addresses move as a whole', () => {
    const a = p('a', 1, { EmailAddress: 'a@x.com', LastName: 'A', Address: { City: 'Paris', PostalCode: '75001' } },
      { LastName: { updatedAt: 5, ingestedAt: 10 }, 'Address.City': { updatedAt: 9 } });
    const b = p('b', 2, { EmailAddress: 'a@x.com', LastName: 'B', Address: { City: 'Lyon' } },
      { LastName: { updatedAt: 5, ingestedAt: 11 }, 'Address.City': { updatedAt: 3 } });
    const [m] = planGroup(group(['a', 'b']), [a, b], settings);
    expect(m!.result.data.LastName).toBe('B');
    expect(m!.result.data.Address).toEqual({ City: 'Paris', PostalCode: '75001' });
  });
});

describe('MergeProfiles field resolution', () => {
  const main = p('m', 1, { FirstName: 'Main', Attributes: { tier: 'gold' } });
  const o1 = p('o1', 2, { FirstName: 'Other', LastName: 'Only', EmailAddress: 'o1@x.com', Attributes: { tier: 'silver', vip: 'y' } });
  const o2 = p('o2', 3, { EmailAddress: 'o2@x.com' });

  it('unions non-conflicting fields and keeps the main value on conflict', () => {
    const r = resolveManual(main, [o1, o2], new Map());
    expect(r.data).toEqual({ FirstName: 'Main', LastName: 'Only', EmailAddress: 'o1@x.com', Attributes: { tier: 'gold', vip: 'y' } });
  });

  it('a field named in FieldSourceProfileIds wins, even when empty there', () => {
    const r = resolveManual(main, [o1, o2], fieldSourcesToUnits({ FirstName: 'o1', EmailAddress: 'o2', LastName: 'o2', Attributes: { tier: 'o1' } }));
    expect(r.data).toEqual({ FirstName: 'Other', EmailAddress: 'o2@x.com', Attributes: { tier: 'silver', vip: 'y' } });
  });
});
