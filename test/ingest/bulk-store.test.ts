/** The bulk store path against the store's own profile functions (real SQLite file in a temp dir). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProfileWrite } from '../../src/store/profile-write.js';
import { prepareNewProfile } from '../../src/store/sqlite/uploads.js';
import { decodeMeta, encodeMeta } from '../../src/store/sqlite/meta-codec.js';
import { openStore, type Repository } from '../../src/store/index.js';
import { makeTempDir } from '../helpers/server.js';
import type { ProfileData } from '../../src/model/profile.js';

const sample: ProfileData = {
  LastName: 'Lee', FirstName: 'Ann', Attributes: { tier: 'gold', a: 'b' }, ShippingAddress: { PostalCode: '0150', City: 'Oslo' },
  EmailAddress: 'Ann@X.org', PhoneNumber: '+4712345678', MiddleName: 'Q',
};

let store: Repository;
beforeAll(async () => {
  store = await openStore(makeTempDir('coalesce-bulk-'));
  await store.createDomain({ domainName: 'd', defaultExpirationDays: 366, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
});
afterAll(async () => { await store?.close(); });

describe('bulkUpsertProfiles', () => {
  it('prepareNewProfile equals applyProfileWrite on a new profile', () => {
    const p = prepareNewProfile(sample, '_upload:x', 1234);
    const s = applyProfileWrite(undefined, { data: sample, source: '_upload:x' }, 1234);
    expect(p.dataJson).toBe(JSON.stringify(s.data));
    // The meta column is stored compactly (one default stamp, src/store/sqlite/meta-codec.ts); decoded it is s.meta.
    expect(p.metaJson).toBe(encodeMeta(s.data, s.meta));
    expect(decodeMeta(p.metaJson, JSON.parse(p.dataJson))).toEqual(s.meta);
    // Other shapes: member order, empty values, every address, unknown members, nothing left.
    const others = [
      { Gender: 'MALE', BillingAddress: { Country: 'NO', Address1: 'a' }, Address: { City: '', PostalCode: '1' }, AccountNumber: '7', FirstName: '' },
      { MailingAddress: { State: 'x', Foo: 'y' }, ShippingAddress: {}, Attributes: { z: '', y: '2' }, Unknown: 'u' },
      { FirstName: '', Attributes: {} },
    ] as unknown as ProfileData[];
    for (const data of others) {
      const o = prepareNewProfile(data, 's', 5);
      const t = applyProfileWrite(undefined, { data, source: 's' }, 5);
      expect(o.dataJson).toBe(JSON.stringify(t.data));
      expect(decodeMeta(o.metaJson, JSON.parse(o.dataJson))).toEqual(t.meta);
    }
  });

  it('writes what createProfile writes, and updates by unique key', async () => {
    const now = 1_700_000_000_000;
    const r1 = await store.bulkUpsertProfiles('d', [
      { prepared: prepareNewProfile(sample, '_upload:j1', now), uniqueKey: 'k1' },
      { data: { FirstName: 'Bo' }, uniqueKey: 'k2' },
      { data: { FirstName: 'Bob' }, uniqueKey: 'k2' }, // same key twice in a batch: one profile
    ], { source: '_upload:j1', keyName: 'cid' }, now);
    expect(r1).toEqual({ created: 2, updated: 1 });
    const [id] = await store.findProfileIdsByKey('d', { keyName: 'cid', value: 'k1' });
    expect(id).toMatch(/^[a-f0-9]{32}$/);
    const ref = await store.createProfile('d', { data: sample, source: '_upload:j1' }, now);
    const p = (await store.getProfile('d', id!))!;
    expect(p.data).toEqual(ref.data);
    expect(p.meta).toEqual(ref.meta);
    expect((await store.getProfileKeys('d', id!)).filter((k) => k.keyName !== '_profileId'))
      .toEqual([{ keyName: 'cid', value: 'k1' }, ...(await store.getProfileKeys('d', ref.profileId)).filter((k) => k.keyName !== '_profileId')].sort((a, b) => a.keyName.localeCompare(b.keyName) || a.value.localeCompare(b.value)));
    expect(await store.findProfileIdsByKey('d', { keyName: '_email', value: 'ann@x.org' })).toContain(id);
    const [bo] = await store.findProfileIdsByKey('d', { keyName: 'cid', value: 'k2' });
    expect((await store.getProfile('d', bo!))!.data).toEqual({ FirstName: 'Bob' });

    const later = now + 1000;
    const r2 = await store.bulkUpsertProfiles('d', [
      { data: { ...sample, LastName: 'Li' }, uniqueKey: 'k1' },
      { data: { FirstName: 'Bob' }, uniqueKey: 'k2' },
    ], { source: '_upload:j2', keyName: 'cid', progress: undefined }, later);
    expect(r2).toEqual({ created: 0, updated: 2 });
    const after = (await store.getProfile('d', id!))!;
    expect(after.data.LastName).toBe('Li');
    expect(after.meta.LastName).toEqual({ updatedAt: later, ingestedAt: later, source: '_upload:j2' });
    const history = await store.listHistory('d', id!, {}, {});
    expect(history.items.map((h) => h.actionType)).toEqual(['UPDATED', 'CREATED']);
    expect(JSON.parse(history.items[1]!.content)).toEqual({ ProfileId: id, ...p.data });
    expect((await store.listHistory('d', bo!, {}, {})).items.map((h) => h.actionType)).toEqual(['CREATED']); // unchanged: no record
    expect((await store.getDomainStats('d')).profileCount).toBe(3);
  });

  it('refuses an unknown domain and writes nothing', async () => {
    await expect(store.bulkUpsertProfiles('nope', [{ data: { FirstName: 'X' } }], { source: 's' }, 1)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
