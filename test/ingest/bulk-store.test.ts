/** The bulk store path against the store's own profile functions (real SQLite file in a temp dir). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProfileWrite, derivedKeys, normalizeKeyValue } from '../../src/store/profile-write.js';
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

  it('deferKeys: predefined keys come from the profiles\' current data when the backlog is indexed', async () => {
    await store.createDomain({ domainName: 'k', defaultExpirationDays: 366, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
    const now = 1_700_000_100_000;
    const rows = [
      { data: { FirstName: 'Ann', LastName: 'Lee', EmailAddress: 'Ann@X.org', PhoneNumber: '+4711' }, uniqueKey: 'a' },
      { data: { FirstName: 'Bo', EmailAddress: 'bo@x.org', AccountNumber: 'acc-bo' }, uniqueKey: 'b' },
      { data: { FirstName: 'Cy', EmailAddress: 'cy@x.org' }, uniqueKey: 'c' },
    ];
    const r = await store.bulkUpsertProfiles('k', rows.map((x) => ({ prepared: prepareNewProfile(x.data, 's', now), uniqueKey: x.uniqueKey })),
      { source: 's', keyName: 'cid', deferKeys: true }, now);
    expect(r).toEqual({ created: 3, updated: 0 });
    const id = async (v: string) => (await store.findProfileIdsByKey('k', { keyName: 'cid', value: v }))[0]!;
    const [ann, bo, cy] = [await id('a'), await id('b'), await id('c')];
    // The unique key is written with the batch; the predefined keys wait in the backlog.
    expect(await store.hasKeyBacklog()).toBe(true);
    expect(await store.findProfileIdsByKey('k', { keyName: '_email', value: 'bo@x.org' })).toEqual([]);
    // Meanwhile: Bo changes email and account, Cy is deleted.
    await store.updateProfile('k', bo, { data: { EmailAddress: 'bo2@x.org', AccountNumber: 'acc-bo2' }, source: 'api' }, now + 1);
    await store.deleteProfile('k', cy, now + 2);
    // 6 keys; 2 of them (Bo's new email and account) the update already wrote.
    expect(await store.indexKeyBacklog()).toEqual({ keys: 4 });
    expect(await store.hasKeyBacklog()).toBe(false);
    const find = (keyName: string, value: string) => store.findProfileIdsByKey('k', { keyName, value });
    expect(await find('_email', 'ann@x.org')).toEqual([ann]);
    expect(await find('_phone', '+4711')).toEqual([ann]);
    expect(await find('_fullName', 'Ann Lee')).toEqual([ann]);
    expect(await find('_email', 'bo2@x.org')).toEqual([bo]);
    expect(await find('_account', 'acc-bo2')).toEqual([bo]);
    expect(await find('_email', 'bo@x.org')).toEqual([]); // the old value, never indexed
    expect(await find('_account', 'acc-bo')).toEqual([]);
    expect(await find('_email', 'cy@x.org')).toEqual([]); // deleted before indexing
    // Exactly the keys createProfile would have written for the same data.
    const ref = await store.createProfile('k', { data: (await store.getProfile('k', ann))!.data, source: 's' }, now);
    const keysOf = async (pid: string) => (await store.getProfileKeys('k', pid)).filter((x) => x.keyName !== 'cid' && x.keyName !== '_profileId');
    expect(await keysOf(ann)).toEqual(await keysOf(ref.profileId));
    // A second run finds nothing to do.
    expect(await store.indexKeyBacklog()).toEqual({ keys: 0 });
  });

  it('the key backlog derives exactly what derivedKeys does (SQL version), on tricky profiles', async () => {
    await store.createDomain({ domainName: 'x', defaultExpirationDays: 366, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
    const tricky = [
      { EmailAddress: 'ÄNN@X.ORG' }, { PersonalEmailAddress: 'İstanbul@X.com', BusinessEmailAddress: 'ß@X.DE' },
      { EmailAddress: 'A@x.org', BusinessEmailAddress: 'a@X.org', PersonalEmailAddress: 'b@y.org' },
      { PhoneNumber: '1', MobilePhoneNumber: '1', HomePhoneNumber: '2', BusinessPhoneNumber: '+3 (4)' },
      { FirstName: 'A', MiddleName: 'B', LastName: 'C' }, { MiddleName: 'M' }, { LastName: 'Z', MiddleName: 'M' },
      { FirstName: 'A', LastName: 'C' }, { FirstName: 'Ö' }, { LastName: 'Ng' }, { AccountNumber: 'ACC', FirstName: '😀' },
      { EmailAddress: 'a"b\\c@x.org', FirstName: 'é\u0001', Attributes: { EmailAddress: 'not@me.org' } },
      { Address: { City: 'Oslo' } }, { BusinessEmailAddress: 'ǅ@X.ORG', MobilePhoneNumber: '  ' },
    ] as ProfileData[];
    const now = 1_700_000_200_000;
    await store.bulkUpsertProfiles('x', tricky.map((data) => ({ prepared: prepareNewProfile(data, 's', now, false) })), { source: 's', deferKeys: true }, now);
    await store.indexKeyBacklog();
    let n = 0;
    for await (const batch of store.scanProfiles('x', 100)) {
      for (const p of batch) {
        n++;
        const expected = derivedKeys(p.profileId, p.data).filter(([k]) => k !== '_profileId')
          .map(([keyName, value]) => ({ keyName, value: normalizeKeyValue(keyName, value) }));
        const actual = (await store.getProfileKeys('x', p.profileId)).filter((k) => k.keyName !== '_profileId');
        const order = (a: { keyName: string; value: string }, b: { keyName: string; value: string }) => (a.keyName + '\0' + a.value < b.keyName + '\0' + b.value ? -1 : 1);
        expect(actual.sort(order)).toEqual(expected.sort(order));
      }
    }
    expect(n).toBe(tricky.length);
  });

  it('refuses an unknown domain and writes nothing', async () => {
    await expect(store.bulkUpsertProfiles('nope', [{ data: { FirstName: 'X' } }], { source: 's' }, 1)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
