/**
 * Restart: data written through the API to a server process, the process stopped, a new process started on the
 * same data dir — everything reads back identical (also after a SIGKILL, since each write is one committed transaction).
 */
import {
  AddProfileKeyCommand, CreateDomainCommand, CreateProfileCommand, GetDomainCommand, GetIdentityResolutionJobCommand,
  GetProfileHistoryRecordCommand, GetProfileObjectTypeCommand, ListDomainsCommand, ListIdentityResolutionJobsCommand,
  ListProfileHistoryRecordsCommand, ListProfileObjectsCommand, PutProfileObjectCommand,
  PutProfileObjectTypeCommand, SearchProfilesCommand, UpdateProfileCommand, type CustomerProfilesClient,
} from '@aws-sdk/client-customer-profiles';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { clientFor, makeTempDir, spawnServer, type ChildServer } from '../helpers/server.js';

const dataDir = makeTempDir('coalesce-restart-');
let server: ChildServer | undefined;
afterAll(async () => {
  await server?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

const D = 'restart';
const JOB = 'd'.repeat(32);

async function snapshot(c: CustomerProfilesClient, profileIds: string[]) {
  const strip = <T extends { $metadata?: unknown }>(r: T) => {
    const { $metadata: _m, ...rest } = r;
    return rest;
  };
  const out: Record<string, unknown> = {};
  out.domains = strip(await c.send(new ListDomainsCommand({})));
  out.domain = strip(await c.send(new GetDomainCommand({ DomainName: D })));
  out.type = strip(await c.send(new GetProfileObjectTypeCommand({ DomainName: D, ObjectTypeName: 'crm' })));
  out.search = strip(await c.send(new SearchProfilesCommand({ DomainName: D, KeyName: '_fullName', Values: ['Ann Lee', 'Bo Chan'] })));
  out.byKey = strip(await c.send(new SearchProfilesCommand({ DomainName: D, KeyName: 'crmId', Values: ['C1'] })));
  out.loyalty = strip(await c.send(new SearchProfilesCommand({ DomainName: D, KeyName: '_assetId', Values: ['asset-1'] })));
  for (const id of profileIds) {
    out[`objects-${id}`] = strip(await c.send(new ListProfileObjectsCommand({ DomainName: D, ObjectTypeName: 'crm', ProfileId: id })));
    const h = await c.send(new ListProfileHistoryRecordsCommand({ DomainName: D, ProfileId: id }));
    out[`history-${id}`] = strip(h);
    for (const rec of h.ProfileHistoryRecords ?? []) {
      out[`record-${rec.Id}`] = strip(await c.send(new GetProfileHistoryRecordCommand({ DomainName: D, ProfileId: id, Id: rec.Id! })));
    }
  }
  out.job = strip(await c.send(new GetIdentityResolutionJobCommand({ DomainName: D, JobId: JOB })));
  out.jobs = strip(await c.send(new ListIdentityResolutionJobsCommand({ DomainName: D })));
  return out;
}

describe('restart', () => {
  it('reads back everything identical after a graceful stop and after a SIGKILL', async () => {
    server = await spawnServer({ dataDir });
    let c = clientFor(server.url);
    await c.send(new CreateDomainCommand({
      DomainName: D, DefaultExpirationDays: 7, Tags: { owner: 'qa' },
      // Matching stays disabled so that the jobs scheduler leaves the domain alone between snapshots.
      Matching: { Enabled: false, JobSchedule: { DayOfTheWeek: 'FRIDAY', Time: '22:15' }, AutoMerging: { Enabled: true, Consolidation: { MatchingAttributesList: [['EmailAddress']] }, ConflictResolution: { ConflictResolvingModel: 'RECENCY' } } },
    }));
    await c.send(new PutProfileObjectTypeCommand({
      DomainName: D, ObjectTypeName: 'crm', Description: 'crm', AllowProfileCreation: true,
      Fields: {
        id: { Source: '_source.id' }, first: { Source: '_source.first', Target: '_profile.FirstName' },
        last: { Source: '_source.last', Target: '_profile.LastName' }, zip: { Source: '_source.zip', Target: '_profile.ShippingAddress.PostalCode' },
      },
      Keys: { crmId: [{ StandardIdentifiers: ['PROFILE', 'UNIQUE'], FieldNames: ['id'] }] },
    }));
    const a = (await c.send(new CreateProfileCommand({
      DomainName: D, FirstName: 'Ann', LastName: 'Lee', EmailAddress: 'ann@example.com', Address: { City: 'Rome' },
      Attributes: { 'dotted.key': 'v', plain: 'p' }, BirthDate: '1990-01-02',
    }))).ProfileId!;
    await c.send(new UpdateProfileCommand({ DomainName: D, ProfileId: a, MiddleName: 'M', Attributes: { plain: '' } }));
    await c.send(new AddProfileKeyCommand({ DomainName: D, ProfileId: a, KeyName: '_assetId', Values: ['asset-1'] }));
    await c.send(new PutProfileObjectCommand({ DomainName: D, ObjectTypeName: 'crm', Object: JSON.stringify({ id: 'C1', first: 'Bo', last: 'Chan', zip: '10115' }) }));
    const b = (await c.send(new SearchProfilesCommand({ DomainName: D, KeyName: 'crmId', Values: ['C1'] }))).Items![0].ProfileId!;

    // A job written through the store API by another connection (as the jobs runner does).
    const store = await openStore(dataDir);
    await store.createJob({
      domainName: D, jobId: JOB, status: 'COMPLETED', jobStartTime: 1_700_000_000_000, jobEndTime: 1_700_000_100_000,
      lastUpdatedAt: 1_700_000_100_000, jobExpirationTime: Date.now() + 365 * 86_400_000, autoMerging: { Enabled: true },
      exportingLocation: { S3Exporting: { S3BucketName: 'bkt', S3KeyName: 'k' } },
      jobStats: { NumberOfProfilesReviewed: 2, NumberOfMatchesFound: 0, NumberOfMergesDone: 0 },
    });
    const storedBefore = [await store.getProfile(D, a), await store.getProfile(D, b)];
    await store.close();

    const before = await snapshot(c, [a, b]);
    expect((before.domain as { Stats: { ProfileCount: number } }).Stats.ProfileCount).toBe(2);
    c.destroy();

    expect(await server.stop()).not.toBeNull();
    server = await spawnServer({ dataDir });
    c = clientFor(server.url);
    expect(await snapshot(c, [a, b])).toEqual(before);
    c.destroy();

    await server.kill();
    server = await spawnServer({ dataDir });
    c = clientFor(server.url);
    expect(await snapshot(c, [a, b])).toEqual(before);
    c.destroy();
    await server.stop();
    server = undefined;

    // Provenance survives too.
    const again = await openStore(dataDir);
    expect([await again.getProfile(D, a), await again.getProfile(D, b)]).toEqual(storedBefore);
    await again.close();
  });
});
