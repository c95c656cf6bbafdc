import {
  AddProfileKeyCommand, BadRequestException, BatchGetProfileCommand, CreateDomainCommand, CreateProfileCommand,
  DeleteProfileCommand, DeleteProfileKeyCommand, PutProfileObjectTypeCommand, ResourceNotFoundException,
  SearchProfilesCommand, UpdateProfileCommand,
} from '@aws-sdk/client-customer-profiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SOURCE } from '../../src/model/profile.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
const D = 'people';
// The server's clock (also used for SigV4 skew checks, so it stays near real time).
let clock = Date.now();

beforeAll(async () => {
  t = await startTestServer({ now: () => clock });
  await t.client.send(new CreateDomainCommand({ DomainName: D, DefaultExpirationDays: 30 }));
});
afterAll(async () => { await t?.close(); });

const create = async (p: Record<string, unknown>) =>
  (await t.client.send(new CreateProfileCommand({ DomainName: D, ...p }))).ProfileId!;

describe('profiles', () => {
  it('creates a profile with provenance per field', async () => {
    const id = await create({
      FirstName: 'Ada', LastName: 'Lovelace', EmailAddress: 'ada@example.com', PartyType: 'INDIVIDUAL',
      Address: { City: 'London', PostalCode: 'W1' }, Attributes: { tier: 'gold' },
    });
    expect(id).toMatch(/^[a-f0-9]{32}$/);
    const stored = (await t.server.store.getProfile(D, id))!;
    expect(stored.data).toEqual({
      FirstName: 'Ada', LastName: 'Lovelace', EmailAddress: 'ada@example.com', PartyType: 'INDIVIDUAL',
      Address: { City: 'London', PostalCode: 'W1' }, Attributes: { tier: 'gold' },
    });
    expect(Object.keys(stored.meta).sort()).toEqual(
      ['Address.City', 'Address.PostalCode', 'Attributes.tier', 'EmailAddress', 'FirstName', 'LastName', 'PartyType']);
    expect(stored.meta['Address.City']).toEqual({ updatedAt: clock, ingestedAt: clock, source: API_SOURCE });
  });

  it('updates: absent keeps, empty string removes (scalars, address members, attributes), provenance follows', async () => {
    const t0 = clock;
    const id = await create({
      FirstName: 'Bob', LastName: 'Stone', PhoneNumber: '+15550100', Address: { City: 'Paris', Country: 'FR' },
      Attributes: { a: '1', b: '2' },
    });
    clock += 60_000;
    const r = await t.client.send(new UpdateProfileCommand({
      DomainName: D, ProfileId: id, FirstName: 'Robert', PhoneNumber: '', Address: { City: '', PostalCode: '75001' },
      Attributes: { a: '', c: '3' },
    }));
    expect(r.ProfileId).toBe(id);
    const p = (await t.server.store.getProfile(D, id))!;
    expect(p.data).toEqual({
      FirstName: 'Robert', LastName: 'Stone', Address: { Country: 'FR', PostalCode: '75001' }, Attributes: { b: '2', c: '3' },
    });
    expect(p.meta.FirstName.updatedAt).toBe(clock);
    expect(p.meta.LastName.updatedAt).toBe(t0);
    expect(p.meta['Address.Country'].updatedAt).toBe(t0);
    expect(p.meta['Address.PostalCode'].updatedAt).toBe(clock);
    expect(p.meta.PhoneNumber).toBeUndefined();
    expect(p.meta['Attributes.a']).toBeUndefined();
    // The removed phone is no longer searchable.
    const s = await t.client.send(new SearchProfilesCommand({ DomainName: D, KeyName: '_phone', Values: ['+15550100'] }));
    expect(s.Items ?? []).toEqual([]);
  });

  it('keeps unusual attribute keys (__proto__, dotted keys) as plain members', async () => {
    const Attributes = JSON.parse('{"__proto__": "p", "a.b": "dotted", "constructor": "c"}') as Record<string, string>;
    const id = await create({ FirstName: 'Odd', Attributes });
    let p = (await t.server.store.getProfile(D, id))!;
    expect(Object.entries(p.data.Attributes!).sort()).toEqual([['__proto__', 'p'], ['a.b', 'dotted'], ['constructor', 'c']]);
    await t.client.send(new UpdateProfileCommand({ DomainName: D, ProfileId: id, Attributes: JSON.parse('{"a.b": "", "__proto__": "q"}') }));
    p = (await t.server.store.getProfile(D, id))!;
    expect(Object.entries(p.data.Attributes!).sort()).toEqual([['__proto__', 'q'], ['constructor', 'c']]);
    expect(Object.keys(p.meta).sort()).toEqual(['Attributes.__proto__', 'Attributes.constructor', 'FirstName']);
  });

  it('answers ResourceNotFoundException for unknown profiles and domains', async () => {
    const missing = 'f'.repeat(32);
    await expect(t.client.send(new UpdateProfileCommand({ DomainName: D, ProfileId: missing, FirstName: 'x' })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(t.client.send(new DeleteProfileCommand({ DomainName: D, ProfileId: missing })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(t.client.send(new CreateProfileCommand({ DomainName: 'no-such-domain', FirstName: 'x' })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(t.client.send(new SearchProfilesCommand({ DomainName: 'no-such-domain', KeyName: '_email', Values: ['x'] })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('deletes a profile', async () => {
    const id = await create({ FirstName: 'Del', EmailAddress: 'del@example.com' });
    const r = await t.client.send(new DeleteProfileCommand({ DomainName: D, ProfileId: id }));
    expect(r.Message).toBeTruthy();
    expect(await t.server.store.getProfile(D, id)).toBeUndefined();
    const s = await t.client.send(new SearchProfilesCommand({ DomainName: D, KeyName: '_email', Values: ['del@example.com'] }));
    expect(s.Items ?? []).toEqual([]);
  });

  it('batch-gets profiles with Errors for missing ids', async () => {
    const a = await create({ FirstName: 'A1' });
    const b = await create({ FirstName: 'B1' });
    const missing = '0'.repeat(32);
    const r = await t.client.send(new BatchGetProfileCommand({ DomainName: D, ProfileIds: [a, missing, b] }));
    expect(r.Profiles!.map((p) => p.ProfileId)).toEqual([a, b]);
    expect(r.Profiles![0].FirstName).toBe('A1');
    expect(r.Errors).toEqual([{ Code: 'ResourceNotFoundException', Message: expect.stringContaining(missing), ProfileId: missing }]);
  });
});

describe('SearchProfiles', () => {
  const S = 'search';
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    await t.client.send(new CreateDomainCommand({ DomainName: S, DefaultExpirationDays: 30 }));
    const mk = async (name: string, p: Record<string, unknown>) => {
      ids[name] = (await t.client.send(new CreateProfileCommand({ DomainName: S, ...p }))).ProfileId!;
    };
    await mk('jane', { FirstName: 'Jane', LastName: 'Doe', EmailAddress: 'Jane@Example.com', AccountNumber: 'A-1', MobilePhoneNumber: '+15551111' });
    await mk('jane2', { FirstName: 'Jane', LastName: 'Doe', BusinessEmailAddress: 'jd@corp.com', AccountNumber: 'A-2' });
    await mk('john', { FirstName: 'John', MiddleName: 'Q', LastName: 'Public', PersonalEmailAddress: 'jq@example.com', AccountNumber: 'A-1' });
    for (let i = 0; i < 7; i++) await mk(`many${i}`, { FirstName: 'Many', LastName: 'Same', AccountNumber: 'SAME' });
  });

  const search = (input: Record<string, unknown>) =>
    t.client.send(new SearchProfilesCommand({ DomainName: S, ...(input as { KeyName: string; Values: string[] }) }));

  it('finds by the predefined keys', async () => {
    let r = await search({ KeyName: '_email', Values: ['jane@example.com'] });
    expect(r.Items!.map((p) => p.ProfileId)).toEqual([ids.jane]);
    expect(r.Items![0].EmailAddress).toBe('Jane@Example.com');
    expect(r.Items![0].FoundByItems).toBeUndefined();
    r = await search({ KeyName: '_fullName', Values: ['Jane Doe'] });
    expect(r.Items!.map((p) => p.ProfileId).sort()).toEqual([ids.jane, ids.jane2].sort());
    r = await search({ KeyName: '_fullName', Values: ['John Q Public'] });
    expect(r.Items!.map((p) => p.ProfileId)).toEqual([ids.john]);
    r = await search({ KeyName: '_fullName', Values: ['John Public'] });
    expect(r.Items!.map((p) => p.ProfileId)).toEqual([ids.john]);
    r = await search({ KeyName: '_phone', Values: ['+15551111'] });
    expect(r.Items!.map((p) => p.ProfileId)).toEqual([ids.jane]);
    r = await search({ KeyName: '_profileId', Values: [ids.john] });
    expect(r.Items!.map((p) => p.ProfileId)).toEqual([ids.john]);
    r = await search({ KeyName: '_account', Values: ['A-1', 'A-2'] });
    expect(r.Items!.length).toBe(3);
  });

  it('combines keys with AND and OR and reports FoundByItems', async () => {
    let r = await search({
      KeyName: '_account', Values: ['A-1'], AdditionalSearchKeys: [{ KeyName: '_fullName', Values: ['Jane Doe'] }], LogicalOperator: 'AND',
    });
    expect(r.Items!.map((p) => p.ProfileId)).toEqual([ids.jane]);
    expect(r.Items![0].FoundByItems).toEqual([
      { KeyName: '_account', Values: ['A-1'] }, { KeyName: '_fullName', Values: ['Jane Doe'] },
    ]);
    r = await search({
      KeyName: '_account', Values: ['A-1'], AdditionalSearchKeys: [{ KeyName: '_fullName', Values: ['Jane Doe'] }], LogicalOperator: 'OR',
    });
    expect(r.Items!.map((p) => p.ProfileId).sort()).toEqual([ids.jane, ids.jane2, ids.john].sort());
    const jane2 = r.Items!.find((p) => p.ProfileId === ids.jane2)!;
    expect(jane2.FoundByItems).toEqual([{ KeyName: '_fullName', Values: ['Jane Doe'] }]);
    // OR is the default.
    r = await search({ KeyName: '_account', Values: ['A-2'], AdditionalSearchKeys: [{ KeyName: '_email', Values: ['jq@example.com'] }] });
    expect(r.Items!.map((p) => p.ProfileId).sort()).toEqual([ids.jane2, ids.john].sort());
  });

  it('paginates with MaxResults / NextToken bound to the query', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const r = await search({ KeyName: '_account', Values: ['SAME'], MaxResults: 3, NextToken: token });
      expect(r.Items!.length).toBeLessThanOrEqual(3);
      seen.push(...r.Items!.map((p) => p.ProfileId!));
      token = r.NextToken;
      if (token) {
        const other = await search({ KeyName: '_account', Values: ['A-1'], NextToken: token }).catch((e) => e);
        expect(other).toBeInstanceOf(BadRequestException);
      }
    } while (token);
    expect(seen.length).toBe(7);
    expect(new Set(seen).size).toBe(7);
    // Default page size is 20.
    const all = await search({ KeyName: '_account', Values: ['SAME'] });
    expect(all.Items!.length).toBe(7);
    expect(all.NextToken).toBeUndefined();
  });

  it('rejects unknown key names and finds domain keys from object types and AddProfileKey', async () => {
    const e = await search({ KeyName: 'shoeSize', Values: ['42'] }).catch((x) => x);
    expect(e).toBeInstanceOf(BadRequestException);
    expect(e.message).toContain('shoeSize');
    await expect(t.client.send(new AddProfileKeyCommand({ DomainName: S, ProfileId: ids.john, KeyName: 'loyaltyId', Values: ['L1'] })))
      .rejects.toBeInstanceOf(BadRequestException);
    await t.client.send(new PutProfileObjectTypeCommand({
      DomainName: S, ObjectTypeName: 'loyalty', Description: 'loyalty',
      Fields: { id: { Source: '_source.id', ContentType: 'STRING' } }, Keys: { loyaltyId: [{ StandardIdentifiers: ['PROFILE'], FieldNames: ['id'] }] },
    }));
    const added = await t.client.send(new AddProfileKeyCommand({ DomainName: S, ProfileId: ids.john, KeyName: 'loyaltyId', Values: ['L1', 'L2'] }));
    expect(added).toMatchObject({ KeyName: 'loyaltyId', Values: ['L1', 'L2'] });
    let r = await search({ KeyName: 'loyaltyId', Values: ['L2'] });
    expect(r.Items!.map((p) => p.ProfileId)).toEqual([ids.john]);
    await t.client.send(new AddProfileKeyCommand({ DomainName: S, ProfileId: ids.jane, KeyName: '_orderId', Values: ['O-9'] }));
    r = await search({ KeyName: '_orderId', Values: ['O-9'] });
    expect(r.Items!.map((p) => p.ProfileId)).toEqual([ids.jane]);

    await t.client.send(new DeleteProfileKeyCommand({ DomainName: S, ProfileId: ids.john, KeyName: 'loyaltyId', Values: ['L2'] }));
    r = await search({ KeyName: 'loyaltyId', Values: ['L2'] });
    expect(r.Items ?? []).toEqual([]);
    r = await search({ KeyName: 'loyaltyId', Values: ['L1'] });
    expect(r.Items!.map((p) => p.ProfileId)).toEqual([ids.john]);
    await expect(t.client.send(new DeleteProfileKeyCommand({ DomainName: S, ProfileId: ids.john, KeyName: 'loyaltyId', Values: ['nope'] })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(t.client.send(new AddProfileKeyCommand({ DomainName: S, ProfileId: 'e'.repeat(32), KeyName: 'loyaltyId', Values: ['x'] })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
