import {
  AddProfileKeyCommand, BadRequestException, CreateDomainCommand, CreateProfileCommand, DeleteProfileCommand,
  DeleteProfileKeyCommand, GetProfileHistoryRecordCommand, ListProfileHistoryRecordsCommand, PutProfileObjectCommand,
  PutProfileObjectTypeCommand, ResourceNotFoundException, UpdateProfileCommand,
} from '@aws-sdk/client-customer-profiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
const D = 'hist';

beforeAll(async () => {
  t = await startTestServer();
  await t.client.send(new CreateDomainCommand({ DomainName: D, DefaultExpirationDays: 30 }));
  await t.client.send(new PutProfileObjectTypeCommand({
    DomainName: D, ObjectTypeName: 'web', Description: 'web', AllowProfileCreation: true,
    Fields: { email: { Source: '_source.email', Target: '_profile.EmailAddress' }, city: { Source: '_source.city', Target: '_profile.Address.City' } },
    Keys: { _email: [{ StandardIdentifiers: ['PROFILE'], FieldNames: ['email'] }], webId: [{ StandardIdentifiers: ['PROFILE'], FieldNames: ['email'] }] },
  }));
});
afterAll(async () => { await t?.close(); });

const list = (ProfileId: string, extra: Record<string, unknown> = {}) =>
  t.client.send(new ListProfileHistoryRecordsCommand({ DomainName: D, ProfileId, ...extra }));
const content = async (ProfileId: string, Id: string) =>
  (await t.client.send(new GetProfileHistoryRecordCommand({ DomainName: D, ProfileId, Id })));

describe('profile history', () => {
  it('records every action with the content at that time, newest first', async () => {
    const { ProfileId } = await t.client.send(new CreateProfileCommand({ DomainName: D, FirstName: 'Hana', EmailAddress: 'hana@example.com' }));
    const id = ProfileId!;
    await t.client.send(new UpdateProfileCommand({ DomainName: D, ProfileId: id, FirstName: 'Hannah' }));
    await t.client.send(new PutProfileObjectCommand({ DomainName: D, ObjectTypeName: 'web', Object: JSON.stringify({ email: 'hana@example.com', city: 'Kyoto' }) }));
    await t.client.send(new AddProfileKeyCommand({ DomainName: D, ProfileId: id, KeyName: 'webId', Values: ['W1'] }));
    await t.client.send(new DeleteProfileKeyCommand({ DomainName: D, ProfileId: id, KeyName: 'webId', Values: ['W1'] }));
    await t.client.send(new DeleteProfileCommand({ DomainName: D, ProfileId: id }));

    const r = await list(id);
    const records = r.ProfileHistoryRecords!;
    expect(records.map((x) => x.ActionType)).toEqual([
      'DELETED_BY_CUSTOMER', 'DELETED_PROFILE_KEY', 'ADDED_PROFILE_KEY', 'INGESTED', 'UPDATED', 'UPDATED', 'CREATED',
    ]);
    for (const rec of records) {
      expect(rec.Id).toMatch(/^[a-f0-9]{32}$/);
      expect(rec.CreatedAt).toBeInstanceOf(Date);
      expect(rec.PerformedBy).toBe(t.credentials.accessKeyId);
    }
    const byType = Object.fromEntries(records.map((x) => [x.ActionType, x]));
    expect(byType.INGESTED.ObjectTypeName).toBe('web');
    expect(byType.INGESTED.ProfileObjectUniqueKey).toBeTruthy();
    expect(byType.CREATED.ObjectTypeName).toBe('_profile');

    const created = await content(id, byType.CREATED.Id!);
    expect(JSON.parse(created.Content!)).toEqual({ ProfileId: id, FirstName: 'Hana', EmailAddress: 'hana@example.com' });
    expect(created.ActionType).toBe('CREATED');
    // The UPDATED record written by the ingestion holds the profile after the object's fields were applied.
    const ingestUpdate = await content(id, records[4].Id!);
    expect(JSON.parse(ingestUpdate.Content!)).toEqual({ ProfileId: id, FirstName: 'Hannah', EmailAddress: 'hana@example.com', Address: { City: 'Kyoto' } });
    const apiUpdate = await content(id, records[5].Id!);
    expect(JSON.parse(apiUpdate.Content!).FirstName).toBe('Hannah');
    expect(JSON.parse((await content(id, byType.INGESTED.Id!)).Content!)).toEqual({ email: 'hana@example.com', city: 'Kyoto' });
    expect(JSON.parse((await content(id, byType.ADDED_PROFILE_KEY.Id!)).Content!)).toEqual({ KeyName: 'webId', Values: ['W1'] });
    expect(JSON.parse((await content(id, byType.DELETED_BY_CUSTOMER.Id!)).Content!))
      .toEqual({ ProfileId: id, FirstName: 'Hannah', EmailAddress: 'hana@example.com', Address: { City: 'Kyoto' } });

    // Filters.
    expect((await list(id, { ActionType: 'UPDATED' })).ProfileHistoryRecords!.length).toBe(2);
    expect((await list(id, { ObjectTypeName: 'web' })).ProfileHistoryRecords!.map((x) => x.ActionType)).toEqual(['INGESTED']);
    expect((await list(id, { PerformedBy: 'someone-else' })).ProfileHistoryRecords).toEqual([]);

    // Pagination.
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await list(id, { MaxResults: 3, NextToken: token });
      seen.push(...page.ProfileHistoryRecords!.map((x) => x.Id!));
      token = page.NextToken;
    } while (token);
    expect(seen).toEqual(records.map((x) => x.Id));
  });

  it('answers ResourceNotFoundException and BadRequestException', async () => {
    const unknown = '1'.repeat(32);
    await expect(list(unknown)).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(content(unknown, '2'.repeat(32))).rejects.toBeInstanceOf(ResourceNotFoundException);
    const { ProfileId } = await t.client.send(new CreateProfileCommand({ DomainName: D, FirstName: 'X' }));
    await expect(content(ProfileId!, '2'.repeat(32))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(list(ProfileId!, { NextToken: 'abc.def' })).rejects.toBeInstanceOf(BadRequestException);
    await expect(t.client.send(new ListProfileHistoryRecordsCommand({ DomainName: 'nodomain', ProfileId: ProfileId! })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
