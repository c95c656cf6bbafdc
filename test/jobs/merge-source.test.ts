/**
 * SOURCE conflict resolution, export to the local default tree, an unreachable bucket (PARTIAL_SUCCESS with merges
 * kept), MergeProfiles, GetAutoMergingPreview and the match explanation — through the official SDK and the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  AddProfileKeyCommand, CreateDomainCommand, CreateProfileCommand, GetAutoMergingPreviewCommand, GetDomainCommand,
  GetMatchesCommand, ListProfileHistoryRecordsCommand, MergeProfilesCommand, PutProfileObjectCommand, SearchProfilesCommand,
  type CustomerProfilesClient, type MatchingRequest,
} from '@aws-sdk/client-customer-profiles';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { jobsPlugin } from '../../src/jobs/plugin.js';
import { getMatchExplanation, startIdentityResolutionJob, ExtensionError } from '../../src/jobs/client.js';
import { generateRecords } from '../../src/engine/generate/index.js';
import { createDomainWithTypes, loadRecords, waitForJob } from './fixtures.js';

const SOURCE_MATCHING = (bucket: string): MatchingRequest => ({
  Enabled: true,
  AutoMerging: {
    Enabled: true,
    Consolidation: { MatchingAttributesList: [['EmailAddress']] },
    ConflictResolution: { ConflictResolvingModel: 'SOURCE', SourceName: 'crm' },
    MinAllowedConfidenceScoreForMerging: 0,
  },
  ExportingConfig: { S3Exporting: { S3BucketName: bucket, S3KeyName: 'exports/ir' } },
});

const person = { FirstName: 'Katherine', LastName: 'Zybrowski', EmailAddress: 'kzybrowski@example.org', PhoneNumber: '+15550100123', BirthDate: '1980-04-05' };
const flat = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/\./g, '_'), v]));
/** Three records of one person: crm (oldest), ecommerce (newest), ecommerce (middle). */
const OBJECTS: Array<[string, Record<string, string>]> = [
  ['crm', flat({ recordId: 'crm-1', updatedAt: '1600000000000', ...person, AdditionalInformation: 'crm-note', 'Address.City': 'Springfield' })],
  ['ecommerce', flat({ recordId: 'web-1', updatedAt: '1700000000000', ...person, EmailAddress: 'KZybrowski@Example.org', AdditionalInformation: 'web-note-new', BusinessName: 'Acme New', 'Address.City': 'Shelbyville' })],
  ['ecommerce', flat({ recordId: 'web-2', updatedAt: '1650000000000', ...person, AdditionalInformation: 'web-note-mid', BusinessName: 'Acme Mid' })],
];

async function setUp(t: TestServer, domain: string, bucket: string, background: number) {
  await createDomainWithTypes(t.client, domain, SOURCE_MATCHING(bucket));
  const ids: string[] = [];
  for (const [type, obj] of OBJECTS) {
    await t.client.send(new PutProfileObjectCommand({ DomainName: domain, ObjectTypeName: type, Object: JSON.stringify(obj) }));
    ids.push((await t.server.store.findProfileIdsByKey(domain, { keyName: 'recordId', value: obj.recordId! }))[0]!);
  }
  const recs = [...generateRecords(background, 99)].map((r) => ({ recordId: r.profile.id, data: r.profile.data, source: '_api', updatedAt: r.updatedAt, entityId: r.entityId }));
  await loadRecords(t.client, t.server.store, domain, recs);
  return ids;
}

const ext = (t: TestServer) => ({ endpoint: t.url, region: 'us-east-1', credentials: t.credentials });

describe('SOURCE auto-merge with export to the local default tree', () => {
  let t: TestServer;
  let client: CustomerProfilesClient;
  let abc: string[];
  let jobId: string;
  const D = 'jobs-source';

  beforeAll(async () => {
    for (const k of ['COALESCE_S3_ENDPOINT', 'COALESCE_S3_ACCESS_KEY_ID', 'COALESCE_S3_SECRET_ACCESS_KEY']) delete process.env[k];
    t = await startTestServer();
    client = t.client;
    abc = await setUp(t, D, 'local-bucket', 250);
    jobId = (await startIdentityResolutionJob(ext(t), D)).JobId;
    const { job } = await waitForJob(client, D, jobId);
    expect(job.Status, job.Message).toBe('COMPLETED');
  });
  afterAll(async () => { await t?.close(); });

  it('merges the crm and ecommerce records: crm wins, ecommerce-only fields by recency, addresses whole', async () => {
    const [a, b, c] = abc;
    const live = await t.server.store.resolveLiveProfileIds(D, abc);
    expect(live.get(a!)).toBe(a); // the earliest created profile stays the main one
    expect(live.get(b!)).toBe(a);
    expect(live.get(c!)).toBe(a);
    const found = await client.send(new SearchProfilesCommand({ DomainName: D, KeyName: '_profileId', Values: [a!] }));
    const p = found.Items![0]!;
    expect(p.AdditionalInformation).toBe('crm-note');
    expect(p.BusinessName).toBe('Acme New');
    expect(p.Address).toEqual({ City: 'Springfield' });
    expect(p.EmailAddress).toBe('kzybrowski@example.org');
    // Objects and keys moved: the ecommerce records now find the main profile.
    const byKey = await client.send(new SearchProfilesCommand({ DomainName: D, KeyName: 'recordId', Values: ['web-1'] }));
    expect(byKey.Items!.map((x) => x.ProfileId)).toEqual([a]);
    for (const gone of [b!, c!]) {
      const h = await client.send(new ListProfileHistoryRecordsCommand({ DomainName: D, ProfileId: gone, ActionType: 'DELETED_BY_MERGE' }));
      expect(h.ProfileHistoryRecords).toHaveLength(1);
    }
  });

  it('writes the CSV under <dataDir>/s3/<bucket>/<key>/<domain>/<JobId>/', async () => {
    const dir = join(t.dataDir, 's3', 'local-bucket', 'exports', 'ir', D, jobId);
    expect(existsSync(dir)).toBe(true);
    const files = readdirSync(dir);
    expect(files).toEqual([`CustomerProfilesPendingMatches-${D}-part-1.csv`]);
    const rows: Array<Record<string, string>> = parse(readFileSync(join(dir, files[0]!), 'utf8'), { columns: true });
    const ours = rows.filter((r) => abc.includes(r.ProfileId!));
    expect(ours).toHaveLength(3);
    expect(new Set(ours.map((r) => r.MatchingGroupId)).size).toBe(1);
    expect(ours.find((r) => r.ProfileId === abc[1])!['Address.City']).toBe('Shelbyville');
  });

  it('explains a match group per pair and attribute', async () => {
    const m = await client.send(new GetMatchesCommand({ DomainName: D, MaxResults: 5 }));
    expect(m.Matches!.length).toBeGreaterThan(0);
    const e = await getMatchExplanation(ext(t), D, m.Matches![0]!.MatchId!);
    expect(e.JobId).toBe(jobId);
    expect(e.Pairs.length).toBeGreaterThan(0);
    expect(e.Pairs[0]!.Attributes.length).toBeGreaterThan(0);
    await expect(getMatchExplanation(ext(t), D, 'no-such-match')).rejects.toMatchObject({ status: 404, code: 'ResourceNotFoundException' });
  });

  it('GetAutoMergingPreview counts on the latest groups and merges nothing', async () => {
    const before = (await client.send(new GetDomainCommand({ DomainName: D }))).Stats!.ProfileCount;
    const groups = await t.server.store.listJobMatches(D, jobId, 0, 100_000);
    const none = await client.send(new GetAutoMergingPreviewCommand({
      DomainName: D, Consolidation: { MatchingAttributesList: [['Attributes.nothing']] }, ConflictResolution: { ConflictResolvingModel: 'RECENCY' },
    }));
    expect(none).toMatchObject({
      DomainName: D, NumberOfMatchesInSample: groups.length,
      NumberOfProfilesInSample: groups.reduce((n, g) => n + g.profileIds.length, 0), NumberOfProfilesWillBeMerged: 0,
    });
    const some = await client.send(new GetAutoMergingPreviewCommand({
      DomainName: D, Consolidation: { MatchingAttributesList: [['LastName']] }, ConflictResolution: { ConflictResolvingModel: 'RECENCY' },
      MinAllowedConfidenceScoreForMerging: 0,
    }));
    expect(some.NumberOfProfilesWillBeMerged).toBeGreaterThan(0);
    expect(some.NumberOfProfilesWillBeMerged).toBeLessThanOrEqual(some.NumberOfProfilesInSample!);
    expect((await client.send(new GetDomainCommand({ DomainName: D }))).Stats!.ProfileCount).toBe(before);
  });

  it('MergeProfiles: union, main wins, FieldSourceProfileIds wins even when empty; keys move; history', async () => {
    const mk = async (data: Record<string, unknown>) => (await client.send(new CreateProfileCommand({ DomainName: D, ...data }))).ProfileId!;
    const main = await mk({ FirstName: 'Main', LastName: 'Person', EmailAddress: 'main@example.org', Attributes: { tier: 'gold' } });
    const other = await mk({ FirstName: 'Other', MiddleName: 'Q', BusinessName: 'Other Co', Attributes: { tier: 'silver', vip: 'yes' } });
    await client.send(new AddProfileKeyCommand({ DomainName: D, ProfileId: other, KeyName: 'recordId', Values: ['manual-other'] }));
    const out = await client.send(new MergeProfilesCommand({
      DomainName: D, MainProfileId: main, ProfileIdsToBeMerged: [other],
      FieldSourceProfileIds: { FirstName: other, EmailAddress: other },
    }));
    expect(out.Message).toBe('Success!');
    const p = (await client.send(new SearchProfilesCommand({ DomainName: D, KeyName: '_profileId', Values: [main] }))).Items![0]!;
    expect(p.FirstName).toBe('Other');
    expect(p.EmailAddress).toBeUndefined();
    expect(p.LastName).toBe('Person');
    expect(p.MiddleName).toBe('Q');
    expect(p.Attributes).toEqual({ tier: 'gold', vip: 'yes' });
    expect((await client.send(new SearchProfilesCommand({ DomainName: D, KeyName: '_profileId', Values: [other] }))).Items ?? []).toHaveLength(0);
    expect((await client.send(new SearchProfilesCommand({ DomainName: D, KeyName: 'recordId', Values: ['manual-other'] }))).Items!.map((x) => x.ProfileId)).toEqual([main]);
    const hm = await client.send(new ListProfileHistoryRecordsCommand({ DomainName: D, ProfileId: main, ActionType: 'MERGED' }));
    expect(hm.ProfileHistoryRecords).toHaveLength(1);
    const ho = await client.send(new ListProfileHistoryRecordsCommand({ DomainName: D, ProfileId: other, ActionType: 'DELETED_BY_MERGE' }));
    expect(ho.ProfileHistoryRecords).toHaveLength(1);
  });

  it('MergeProfiles rejects unknown, cross-domain and inconsistent ids without changing anything', async () => {
    const main = (await client.send(new CreateProfileCommand({ DomainName: D, FirstName: 'Keep' }))).ProfileId!;
    await client.send(new CreateDomainCommand({ DomainName: 'jobs-other', DefaultExpirationDays: 10 }));
    const foreign = (await client.send(new CreateProfileCommand({ DomainName: 'jobs-other', FirstName: 'Foreign' }))).ProfileId!;
    const err = (p: Promise<unknown>) => p.then(() => undefined, (e: { name: string; $metadata: { httpStatusCode: number } }) => [e.name, e.$metadata.httpStatusCode]);
    expect(await err(client.send(new MergeProfilesCommand({ DomainName: D, MainProfileId: main, ProfileIdsToBeMerged: ['0123456789abcdef0123456789abcdef'] }))))
      .toEqual(['ResourceNotFoundException', 404]);
    expect(await err(client.send(new MergeProfilesCommand({ DomainName: D, MainProfileId: main, ProfileIdsToBeMerged: [foreign] }))))
      .toEqual(['ResourceNotFoundException', 404]);
    expect(await err(client.send(new MergeProfilesCommand({ DomainName: D, MainProfileId: main, ProfileIdsToBeMerged: [main] }))))
      .toEqual(['BadRequestException', 400]);
    expect(await err(client.send(new MergeProfilesCommand({ DomainName: D, MainProfileId: main, ProfileIdsToBeMerged: [foreign], FieldSourceProfileIds: { FirstName: abc[2]! } }))))
      .toEqual(['BadRequestException', 400]);
    expect((await client.send(new SearchProfilesCommand({ DomainName: 'jobs-other', KeyName: '_profileId', Values: [foreign] }))).Items).toHaveLength(1);
    const hist = await client.send(new ListProfileHistoryRecordsCommand({ DomainName: D, ProfileId: main }));
    expect(hist.ProfileHistoryRecords!.map((r) => r.ActionType)).toEqual(['CREATED']);
  });

  it('StartIdentityResolutionJob refuses a domain without matching', async () => {
    await expect(startIdentityResolutionJob(ext(t), 'jobs-other')).rejects.toMatchObject({ status: 400, code: 'BadRequestException' });
    await expect(startIdentityResolutionJob(ext(t), 'no-such-domain')).rejects.toBeInstanceOf(ExtensionError);
  });
});

describe('an unreachable export bucket', () => {
  let t: TestServer;
  afterAll(async () => { await t?.close(); });

  it('ends PARTIAL_SUCCESS with a Message, and the merges are kept', async () => {
    t = await startTestServer({
      plugins: [jobsPlugin({ s3: { endpoint: 'http://127.0.0.1:9', accessKeyId: 'x', secretAccessKey: 'y', region: 'us-east-1', forcePathStyle: true } })],
    });
    const D = 'jobs-unreachable';
    const abc = await setUp(t, D, 'unreachable-bucket', 60);
    const { JobId } = await startIdentityResolutionJob(ext(t), D);
    const { job } = await waitForJob(t.client, D, JobId);
    expect(job.Status).toBe('PARTIAL_SUCCESS');
    expect(job.Message).toMatch(/Exporting the results to s3:\/\/unreachable-bucket\/exports\/ir failed/);
    expect(job.ExportingLocation).toBeUndefined();
    expect(job.JobStats!.NumberOfMergesDone).toBeGreaterThanOrEqual(1);
    const live = await t.server.store.resolveLiveProfileIds(D, abc);
    expect(new Set(live.values()).size).toBe(1);
  });
});
