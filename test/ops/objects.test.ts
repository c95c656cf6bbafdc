import {
  BadRequestException, CreateDomainCommand, CreateProfileCommand, DeleteProfileObjectCommand, DeleteProfileObjectTypeCommand,
  GetDomainCommand, GetProfileObjectTypeCommand, ListProfileObjectsCommand, ListProfileObjectTypesCommand,
  PutProfileObjectCommand, PutProfileObjectTypeCommand, ResourceNotFoundException, SearchProfilesCommand,
} from '@aws-sdk/client-customer-profiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
const D = 'objects';

const crmType = {
  DomainName: D,
  ObjectTypeName: 'crm',
  Description: 'CRM contacts',
  AllowProfileCreation: true,
  SourceLastUpdatedTimestampFormat: "yyyy-MM-dd'T'HH:mm:ssXXX",
  Fields: {
    crmId: { Source: '_source.id', ContentType: 'STRING' as const },
    email: { Source: '_source.email', Target: '_profile.EmailAddress', ContentType: 'EMAIL_ADDRESS' as const },
    first: { Source: '_source.name.first', Target: '_profile.FirstName', ContentType: 'NAME' as const },
    city: { Source: '_source.address.city', Target: '_profile.Address.City', ContentType: 'STRING' as const },
    tier: { Source: '_source.tier', Target: '_profile.Attributes.tier', ContentType: 'STRING' as const },
    gender: { Source: '_source.gender', Target: '_profile.Gender', ContentType: 'STRING' as const },
    SourceLastUpdatedTimestamp: { Source: '_source.updated', ContentType: 'STRING' as const },
  },
  Keys: {
    crmId: [{ StandardIdentifiers: ['PROFILE' as const, 'UNIQUE' as const], FieldNames: ['crmId'] }],
    _email: [{ StandardIdentifiers: ['LOOKUP_ONLY' as const], FieldNames: ['email'] }],
  },
};

const put = (type: string, obj: object) =>
  t.client.send(new PutProfileObjectCommand({ DomainName: D, ObjectTypeName: type, Object: JSON.stringify(obj) }));

beforeAll(async () => {
  t = await startTestServer();
  await t.client.send(new CreateDomainCommand({ DomainName: D, DefaultExpirationDays: 30 }));
});
afterAll(async () => { await t?.close(); });

describe('object types', () => {
  it('puts, gets and lists object types', async () => {
    const r = await t.client.send(new PutProfileObjectTypeCommand(crmType));
    expect(r.ObjectTypeName).toBe('crm');
    expect(r.AllowProfileCreation).toBe(true);
    expect(r.Fields).toEqual(crmType.Fields);
    expect(r.Keys).toEqual(crmType.Keys);
    expect(r.CreatedAt).toBeInstanceOf(Date);
    const g = await t.client.send(new GetProfileObjectTypeCommand({ DomainName: D, ObjectTypeName: 'crm' }));
    expect(g).toMatchObject({ ObjectTypeName: 'crm', Description: 'CRM contacts', SourceLastUpdatedTimestampFormat: crmType.SourceLastUpdatedTimestampFormat });
    for (const n of ['zz1', 'zz2', 'zz3']) {
      await t.client.send(new PutProfileObjectTypeCommand({ DomainName: D, ObjectTypeName: n, Description: n }));
    }
    const names: string[] = [];
    let token: string | undefined;
    do {
      const l = await t.client.send(new ListProfileObjectTypesCommand({ DomainName: D, MaxResults: 2, NextToken: token }));
      names.push(...l.Items!.map((i) => i.ObjectTypeName!));
      token = l.NextToken;
    } while (token);
    expect(names).toEqual(['crm', 'zz1', 'zz2', 'zz3']);
    // Replacing keeps CreatedAt.
    const again = await t.client.send(new PutProfileObjectTypeCommand({ DomainName: D, ObjectTypeName: 'zz1', Description: 'changed' }));
    expect(again.Description).toBe('changed');
  });

  it('rejects invalid definitions with a clear message and writes nothing', async () => {
    const bad = async (over: object) => t.client.send(new PutProfileObjectTypeCommand({
      DomainName: D, ObjectTypeName: 'badtype', Description: 'x', ...over,
    })).catch((e) => e);
    const cases: Array<[object, string]> = [
      [{ TemplateId: 'Salesforce-Account' }, 'TemplateId'],
      [{ Fields: { a: { Source: 'email', Target: '_profile.EmailAddress' } } }, 'Source'],
      [{ Fields: { a: { Source: '_source.a', Target: '_profile.ShoeSize' } } }, 'ShoeSize'],
      [{ Fields: { a: { Source: '_source.a' } }, Keys: { k: [{ StandardIdentifiers: ['PROFILE'], FieldNames: ['b'] }] } }, "'b'"],
      [{ Fields: { a: { Source: '_source.a' }, b: { Source: '_source.b' } }, Keys: { k: [{ StandardIdentifiers: ['UNIQUE'], FieldNames: ['a'] }], l: [{ StandardIdentifiers: ['UNIQUE'], FieldNames: ['b'] }] } }, 'UNIQUE'],
      [{ SourceLastUpdatedTimestampFormat: 'yyyy' }, 'SourceLastUpdatedTimestamp'],
      [{ Fields: { SourceLastUpdatedTimestamp: { Source: '_source.u' } } }, 'SourceLastUpdatedTimestampFormat'],
      [{ Fields: { SourceLastUpdatedTimestamp: { Source: '_source.u' } }, SourceLastUpdatedTimestampFormat: 'EEE yyyy' }, 'not supported'],
    ];
    for (const [over, text] of cases) {
      const e = await bad(over);
      expect(e, JSON.stringify(over)).toBeInstanceOf(BadRequestException);
      expect(e.message).toContain(text);
    }
    const reserved = await t.client.send(new PutProfileObjectTypeCommand({ DomainName: D, ObjectTypeName: '_mine', Description: 'x' })).catch((e) => e);
    expect(reserved).toBeInstanceOf(BadRequestException);
    await expect(t.client.send(new GetProfileObjectTypeCommand({ DomainName: D, ObjectTypeName: 'badtype' })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(t.client.send(new PutProfileObjectTypeCommand({ DomainName: 'missing-domain', ObjectTypeName: 'x', Description: 'x' })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('PutProfileObject', () => {
  it('maps fields (nested source, address member, attribute), creates the profile and records provenance with the source timestamp', async () => {
    const r = await put('crm', {
      id: 'C-1', email: 'Kim@Example.com', name: { first: 'Kim' }, address: { city: 'Oslo' }, tier: 'gold', gender: 'robot',
      updated: '2025-03-04T05:06:07+01:00',
    });
    expect(r.ProfileObjectUniqueKey).toMatch(/^[a-f0-9]{32}$/);
    const found = await t.client.send(new SearchProfilesCommand({ DomainName: D, KeyName: 'crmId', Values: ['C-1'] }));
    expect(found.Items!.length).toBe(1);
    const p = found.Items![0];
    expect(p).toMatchObject({
      EmailAddress: 'Kim@Example.com', FirstName: 'Kim', Address: { City: 'Oslo' }, Attributes: { tier: 'gold' }, GenderString: 'robot',
    });
    const stored = (await t.server.store.getProfile(D, p.ProfileId!))!;
    const ts = Date.parse('2025-03-04T04:06:07Z');
    expect(stored.meta.FirstName).toMatchObject({ source: 'crm', updatedAt: ts });
    expect(stored.meta['Address.City']).toMatchObject({ source: 'crm', updatedAt: ts });
    expect(stored.meta.FirstName.ingestedAt).toBeGreaterThan(ts);
  });

  it('finds the existing profile by a PROFILE key, and by a LOOKUP_ONLY key against predefined keys', async () => {
    // Same crmId → same profile, same object (UNIQUE) updated.
    const first = await put('crm', { id: 'C-2', email: 'lee@example.com', name: { first: 'Lee' }, updated: '2025-01-01T00:00:00Z' });
    const second = await put('crm', { id: 'C-2', email: 'lee@example.com', name: { first: 'Leon' }, updated: '2025-02-01T00:00:00Z' });
    expect(second.ProfileObjectUniqueKey).toBe(first.ProfileObjectUniqueKey);
    const s = await t.client.send(new SearchProfilesCommand({ DomainName: D, KeyName: 'crmId', Values: ['C-2'] }));
    expect(s.Items!.length).toBe(1);
    expect(s.Items![0].FirstName).toBe('Leon');
    const objs = await t.client.send(new ListProfileObjectsCommand({ DomainName: D, ObjectTypeName: 'crm', ProfileId: s.Items![0].ProfileId! }));
    expect(objs.Items!.length).toBe(1);
    expect(JSON.parse(objs.Items![0].Object!).name.first).toBe('Leon');

    // An older source timestamp does not overwrite a newer value (per-field recency).
    await put('crm', { id: 'C-2', name: { first: 'Stale' }, updated: '2024-01-01T00:00:00Z' });
    const again = (await t.server.store.getProfile(D, s.Items![0].ProfileId!))!;
    expect(again.data.FirstName).toBe('Leon');

    // A profile created through the API is found by _email (LOOKUP_ONLY) and receives the object.
    const { ProfileId } = await t.client.send(new CreateProfileCommand({ DomainName: D, EmailAddress: 'max@example.com', LastName: 'Api' }));
    await put('crm', { id: 'C-3', email: 'MAX@example.com', name: { first: 'Max' }, updated: '2025-01-01T00:00:00Z' });
    const p = (await t.server.store.getProfile(D, ProfileId!))!;
    // The object's source time (2025) is older than the API write, so the API's email value stays; FirstName was empty.
    expect(p.data).toMatchObject({ FirstName: 'Max', LastName: 'Api', EmailAddress: 'max@example.com' });
    expect(p.meta.LastName.source).toBe('_api');
    expect(p.meta.FirstName.source).toBe('crm');
    // LOOKUP_ONLY keys are not persisted; the PROFILE key is.
    const keys = await t.server.store.getProfileKeys(D, ProfileId!);
    expect(keys).toContainEqual({ keyName: 'crmId', value: 'C-3' });
  });

  it('uses SECONDARY keys after PROFILE keys, NEW_ONLY keys only on creation, and refuses creation when not allowed', async () => {
    await t.client.send(new PutProfileObjectTypeCommand({
      DomainName: D, ObjectTypeName: 'orders', Description: 'orders', AllowProfileCreation: false,
      Fields: {
        orderId: { Source: '_source.orderId' }, crmId: { Source: '_source.customer' }, phone: { Source: '_source.phone' },
        total: { Source: '_source.total', Target: '_order.Total', ContentType: 'NUMBER' },
      },
      Keys: {
        _orderId: [{ StandardIdentifiers: ['ORDER', 'UNIQUE'], FieldNames: ['orderId'] }],
        crmId: [{ StandardIdentifiers: ['PROFILE'], FieldNames: ['crmId'] }],
        _phone: [{ StandardIdentifiers: ['SECONDARY'], FieldNames: ['phone'] }],
      },
    }));
    const lee = (await t.client.send(new SearchProfilesCommand({ DomainName: D, KeyName: 'crmId', Values: ['C-2'] }))).Items![0];
    await put('orders', { orderId: 'O-1', customer: 'C-2', total: 12.5 });
    const byOrder = await t.client.send(new SearchProfilesCommand({ DomainName: D, KeyName: '_orderId', Values: ['O-1'] }));
    expect(byOrder.Items!.map((p) => p.ProfileId)).toEqual([lee.ProfileId]);

    const { ProfileId: phoneOwner } = await t.client.send(new CreateProfileCommand({ DomainName: D, PhoneNumber: '+4712345678' }));
    await put('orders', { orderId: 'O-2', customer: 'C-unknown', phone: '+4712345678' });
    const o2 = await t.client.send(new SearchProfilesCommand({ DomainName: D, KeyName: '_orderId', Values: ['O-2'] }));
    expect(o2.Items!.map((p) => p.ProfileId)).toEqual([phoneOwner]);

    const e = await put('orders', { orderId: 'O-3', customer: 'C-nobody' }).catch((x) => x);
    expect(e).toBeInstanceOf(BadRequestException);
    expect(e.message).toContain('AllowProfileCreation');
    const o3 = await t.client.send(new SearchProfilesCommand({ DomainName: D, KeyName: '_orderId', Values: ['O-3'] }));
    expect(o3.Items ?? []).toEqual([]);

    await t.client.send(new PutProfileObjectTypeCommand({
      DomainName: D, ObjectTypeName: 'signup', Description: 'signup', AllowProfileCreation: true,
      Fields: { email: { Source: '_source.email', Target: '_profile.PersonalEmailAddress' }, ref: { Source: '_source.ref' } },
      Keys: { _email: [{ StandardIdentifiers: ['PROFILE'], FieldNames: ['email'] }], referral: [{ StandardIdentifiers: ['NEW_ONLY'], FieldNames: ['ref'] }] },
    }));
    await put('signup', { email: 'new@example.com', ref: 'R-1' });
    const created = await t.client.send(new SearchProfilesCommand({ DomainName: D, KeyName: 'referral', Values: ['R-1'] }));
    expect(created.Items!.length).toBe(1);
    await put('signup', { email: 'new@example.com', ref: 'R-2' });
    const r2 = await t.client.send(new SearchProfilesCommand({ DomainName: D, KeyName: 'referral', Values: ['R-2'] }));
    expect(r2.Items ?? []).toEqual([]);
    const r1 = await t.client.send(new SearchProfilesCommand({ DomainName: D, KeyName: 'referral', Values: ['R-1'] }));
    expect(r1.Items!.map((p) => p.ProfileId)).toEqual(created.Items!.map((p) => p.ProfileId));
  });

  it('concurrent objects with the same new key create exactly one profile', async () => {
    const puts = Array.from({ length: 20 }, (_, i) =>
      put('crm', { id: 'C-RACE', email: 'race@example.com', name: { first: `R${i}` }, updated: `2025-05-05T00:00:${String(i).padStart(2, '0')}Z` }));
    const keys = new Set((await Promise.all(puts)).map((r) => r.ProfileObjectUniqueKey));
    expect(keys.size).toBe(1);
    const found = await t.client.send(new SearchProfilesCommand({ DomainName: D, KeyName: 'crmId', Values: ['C-RACE'] }));
    expect(found.Items!.length).toBe(1);
    // The newest source timestamp won, whatever the arrival order.
    expect(found.Items![0].FirstName).toBe('R19');
  });

  it('rejects bad objects and unknown types; a bad source timestamp writes nothing', async () => {
    const before = (await t.client.send(new GetDomainCommand({ DomainName: D }))).Stats!;
    for (const obj of ['not json', '[1,2]', '"str"']) {
      const e = await t.client.send(new PutProfileObjectCommand({ DomainName: D, ObjectTypeName: 'crm', Object: obj })).catch((x) => x);
      expect(e).toBeInstanceOf(BadRequestException);
    }
    const e = await put('crm', { id: 'C-9', name: { first: 'Bad' }, updated: 'yesterday' }).catch((x) => x);
    expect(e).toBeInstanceOf(BadRequestException);
    expect(e.message).toContain('SourceLastUpdatedTimestampFormat');
    await expect(put('nosuchtype', { a: 1 })).rejects.toBeInstanceOf(ResourceNotFoundException);
    const after = (await t.client.send(new GetDomainCommand({ DomainName: D }))).Stats!;
    expect(after).toEqual(before);
  });

  it('lists objects with ObjectFilter and pagination, deletes objects', async () => {
    const { ProfileId } = await t.client.send(new CreateProfileCommand({ DomainName: D, FirstName: 'Objects', AccountNumber: 'OBJ' }));
    await t.client.send(new PutProfileObjectTypeCommand({
      DomainName: D, ObjectTypeName: 'events', Description: 'events',
      Fields: { acct: { Source: '_source.acct' }, kind: { Source: '_source.kind' } },
      Keys: { _account: [{ StandardIdentifiers: ['LOOKUP_ONLY'], FieldNames: ['acct'] }], kind: [{ FieldNames: ['kind'] }] },
    }));
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) keys.push((await put('events', { acct: 'OBJ', kind: i % 2 ? 'odd' : 'even', i })).ProfileObjectUniqueKey!);
    const all: string[] = [];
    let token: string | undefined;
    do {
      const l = await t.client.send(new ListProfileObjectsCommand({ DomainName: D, ObjectTypeName: 'events', ProfileId, MaxResults: 2, NextToken: token }));
      all.push(...l.Items!.map((i) => i.ProfileObjectUniqueKey!));
      for (const i of l.Items!) expect(i.ObjectTypeName).toBe('events');
      token = l.NextToken;
    } while (token);
    expect(all.sort()).toEqual([...keys].sort());
    const odd = await t.client.send(new ListProfileObjectsCommand({
      DomainName: D, ObjectTypeName: 'events', ProfileId, ObjectFilter: { KeyName: 'kind', Values: ['odd'] },
    }));
    expect(odd.Items!.map((i) => JSON.parse(i.Object!).i).sort()).toEqual([1, 3]);

    const stats0 = (await t.client.send(new GetDomainCommand({ DomainName: D }))).Stats!;
    await t.client.send(new DeleteProfileObjectCommand({ DomainName: D, ObjectTypeName: 'events', ProfileId, ProfileObjectUniqueKey: keys[0] }));
    const stats1 = (await t.client.send(new GetDomainCommand({ DomainName: D }))).Stats!;
    expect(stats1.ObjectCount).toBe(stats0.ObjectCount! - 1);
    await expect(t.client.send(new DeleteProfileObjectCommand({ DomainName: D, ObjectTypeName: 'events', ProfileId, ProfileObjectUniqueKey: keys[0] })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(t.client.send(new ListProfileObjectsCommand({ DomainName: D, ObjectTypeName: 'events', ProfileId: 'a'.repeat(32) })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('deleting an object type removes its objects and scrubs the fields it populated', async () => {
    await t.client.send(new PutProfileObjectTypeCommand({
      DomainName: D, ObjectTypeName: 'temp', Description: 'temp', AllowProfileCreation: true,
      Fields: { id: { Source: '_source.id' }, nick: { Source: '_source.nick', Target: '_profile.MiddleName' } },
      Keys: { tempId: [{ StandardIdentifiers: ['PROFILE', 'UNIQUE'], FieldNames: ['id'] }] },
    }));
    await put('temp', { id: 'T-1', nick: 'Nicky' });
    const p = (await t.client.send(new SearchProfilesCommand({ DomainName: D, KeyName: 'tempId', Values: ['T-1'] }))).Items![0];
    expect(p.MiddleName).toBe('Nicky');
    const r = await t.client.send(new DeleteProfileObjectTypeCommand({ DomainName: D, ObjectTypeName: 'temp' }));
    expect(r.Message).toBeTruthy();
    const after = (await t.server.store.getProfile(D, p.ProfileId!))!;
    expect(after.data.MiddleName).toBeUndefined();
    expect(after.meta.MiddleName).toBeUndefined();
    expect((await t.server.store.listProfileObjects(D, 'temp', p.ProfileId!, {})).items).toEqual([]);
    await expect(t.client.send(new DeleteProfileObjectTypeCommand({ DomainName: D, ObjectTypeName: 'temp' })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
