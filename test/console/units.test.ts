/** The console's pure helpers: Matching validation (mirrors the model's constraints) and the merge screen's rows. */
import { describe, expect, it } from 'vitest';
import { isValidAttributeName, validateMatching } from '../../src/console/matching-rules.js';
import { compareProfiles, fieldSources } from '../../src/console/profile-units.js';

describe('validateMatching', () => {
  const am = (lists: string[][], extra: object = {}) => ({
    Enabled: true,
    AutoMerging: { Enabled: true, Consolidation: { MatchingAttributesList: lists }, ConflictResolution: { ConflictResolvingModel: 'RECENCY' as const }, ...extra },
  });

  it('accepts a valid block', () => {
    expect(validateMatching({ Enabled: true, JobSchedule: { DayOfTheWeek: 'MONDAY', Time: '2:30' } })).toEqual([]);
    expect(validateMatching(am([['EmailAddress'], ['FirstName', 'LastName', 'Address.PostalCode', 'Attributes.loyaltyId']]))).toEqual([]);
  });

  it('reports what the API would refuse', () => {
    expect(validateMatching({ Enabled: true, JobSchedule: { DayOfTheWeek: 'MONDAY', Time: '24:00' } }).join()).toMatch(/HH:MM/);
    expect(validateMatching(am([])).join()).toMatch(/at least one matching criterion/);
    expect(validateMatching(am([[]])).join()).toMatch(/Criterion 1: add at least one attribute/);
    expect(validateMatching(am(Array.from({ length: 11 }, () => ['EmailAddress']))).join()).toMatch(/at most 10/);
    expect(validateMatching(am([Array.from({ length: 21 }, (_, i) => `Attributes.a${i}`)])).join()).toMatch(/at most 20/);
    expect(validateMatching(am([['Email']])).join()).toMatch(/"Email" is not a profile attribute/);
    expect(validateMatching(am([['EmailAddress', 'EmailAddress']])).join()).toMatch(/listed twice/);
    expect(validateMatching(am([['EmailAddress']], { MinAllowedConfidenceScoreForMerging: 1.5 })).join()).toMatch(/between 0 and 1/);
    expect(validateMatching({
      Enabled: true,
      AutoMerging: { Enabled: true, Consolidation: { MatchingAttributesList: [['EmailAddress']] }, ConflictResolution: { ConflictResolvingModel: 'SOURCE' } },
    }).join()).toMatch(/SOURCE needs a source name/);
    expect(validateMatching({ Enabled: true, ExportingConfig: { S3Exporting: { S3BucketName: 'Bad_Bucket' } } }).join()).toMatch(/bucket name/);
  });

  it('knows the attribute names', () => {
    for (const ok of ['FirstName', 'ShippingAddress.City', 'Attributes.x', 'Attributes.a.b']) expect(isValidAttributeName(ok)).toBe(true);
    for (const bad of ['', 'Attributes.', 'Address', 'Address.Street', 'firstname']) expect(isValidAttributeName(bad)).toBe(false);
  });
});

describe('compareProfiles / fieldSources', () => {
  it('marks agreeing, disagreeing and partial units at FieldSourceProfileIds granularity', () => {
    const rows = compareProfiles([
      { ProfileId: 'a', FirstName: 'Ann', EmailAddress: 'ANN@X.COM', Address: { City: 'Austin' }, Attributes: { tier: 'gold' } },
      { ProfileId: 'b', FirstName: 'Anne', EmailAddress: 'ann@x.com', Address: { City: 'Boston' }, AccountNumber: '7' },
    ]);
    const by = Object.fromEntries(rows.map((r) => [r.unit, r.agreement]));
    expect(by).toEqual({ AccountNumber: 'partial', FirstName: 'disagree', EmailAddress: 'agree', Address: 'disagree', 'Attributes.tier': 'partial' });
    expect(fieldSources({ FirstName: 'b', 'Attributes.tier': 'a', Address: '' })).toEqual({ FirstName: 'b', Attributes: { tier: 'a' } });
    expect(fieldSources({})).toBeUndefined();
  });
});

describe('SessionStore', () => {
  it('ends sessions at the idle timeout, at the maximum age despite activity, and on delete', async () => {
    const { SessionStore } = await import('../../src/console-server/sessions.js');
    let t = 1_000_000;
    const store = new SessionStore({ idleMs: 10_000, maxAgeMs: 25_000, now: () => t });
    const { id, session } = store.create('AKID1');
    expect(store.get(id)?.csrfToken).toBe(session.csrfToken);
    expect(store.get('not-an-id')).toBeUndefined();
    for (let i = 0; i < 2; i++) {
      t += 9_000; // active every 9 s: the idle timer keeps being pushed back…
      expect(store.get(id)).toBeDefined();
    }
    t += 8_000; // …but 26 s after sign-in the maximum age ends it
    expect(store.get(id)).toBeUndefined();

    const idle = store.create('AKID2');
    t += 10_001;
    expect(store.get(idle.id)).toBeUndefined();

    const gone = store.create('AKID3');
    store.delete(gone.id);
    expect(store.get(gone.id)).toBeUndefined();
  });

  it('keeps a bounded number of sessions', async () => {
    const { SessionStore } = await import('../../src/console-server/sessions.js');
    const store = new SessionStore({ idleMs: 60_000, maxAgeMs: 60_000, maxSessions: 3 });
    const ids = Array.from({ length: 5 }, () => store.create('AK').id);
    expect(store.size).toBe(3);
    expect(store.get(ids[0])).toBeUndefined();
    expect(store.get(ids[4])).toBeDefined();
  });
});
