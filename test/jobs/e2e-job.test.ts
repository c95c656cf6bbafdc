/**
 * End to end with the official SDK: generated profiles with known duplicates loaded through CreateProfile and
 * PutProfileObject (two object types); job 1 without auto-merging (GetMatches against the truth), job 2 with
 * auto-merging (RECENCY) and export to S3 (s3rver): JobStats, merged fields, history, exported CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import S3rver from 's3rver';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  GetDomainCommand, GetMatchesCommand, GetProfileHistoryRecordCommand, ListProfileHistoryRecordsCommand, UpdateDomainCommand,
  type CustomerProfilesClient,
} from '@aws-sdk/client-customer-profiles';
import { parse } from 'csv-parse/sync';
import { makeTempDir, startTestServer, type TestServer } from '../helpers/server.js';
import { jobsPlugin } from '../../src/jobs/plugin.js';
import { generateRecords } from '../../src/engine/generate/index.js';
import type { StoredProfile } from '../../src/model/profile.js';
import { createDomainWithTypes, inLifecycleOrder, loadRecords, pairwiseF1, waitForJob, type LoadRecord } from './fixtures.js';
import { startIdentityResolutionJob } from '../../src/jobs/client.js';

const DOMAIN = 'jobs-e2e';
const N = 1000;
const S3 = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let s3rver: S3rver;
let s3Endpoint: string;
let t: TestServer;
let client: CustomerProfilesClient;
let records: LoadRecord[];
let idOf: Map<string, string>;
const entityOfProfile = new Map<string, string>();

beforeAll(async () => {
  s3rver = new S3rver({
    port: 0, address: '127.0.0.1', silent: true, directory: makeTempDir('s3rver-'),
    configureBuckets: [{ name: 'coalesce-exports', configs: [] }],
  });
  const addr = await s3rver.run();
  s3Endpoint = `http://127.0.0.1:${addr.port}`;
  t = await startTestServer({
    plugins: [jobsPlugin({ s3: { endpoint: s3Endpoint, ...S3, region: 'us-east-1', forcePathStyle: true }, config: { exportPartBytes: 64 * 1024 } })],
  });
  client = t.client;
  await createDomainWithTypes(client, DOMAIN, { Enabled: true });
  records = [...generateRecords(N, 20261122)].map((r) => ({
    recordId: r.profile.id, data: r.profile.data, source: r.source, updatedAt: r.updatedAt, entityId: r.entityId,
  }));
  idOf = await loadRecords(client, t.server.store, DOMAIN, records);
  for (const r of records) entityOfProfile.set(idOf.get(r.recordId)!, r.entityId);
});

afterAll(async () => {
  await t?.close();
  await s3rver?.close();
});

describe('identity resolution job end to end', () => {
  it('loaded every record as its own profile', async () => {
    const d = await client.send(new GetDomainCommand({ DomainName: DOMAIN }));
    expect(d.Stats?.ProfileCount).toBe(N);
    expect(new Set(idOf.values()).size).toBe(N);
  });

  it('job 1 (no auto-merging) finds the duplicates: GetMatches against the truth', async () => {
    const { JobId } = await startIdentityResolutionJob({ endpoint: t.url, region: 'us-east-1', credentials: t.credentials }, DOMAIN);
    expect(JobId).toMatch(/^[a-f0-9]{32}$/);
    const { job, seen } = await waitForJob(client, DOMAIN, JobId!);
    expect(inLifecycleOrder(seen)).toBe(true);
    expect(job.Status).toBe('COMPLETED');
    expect(seen).not.toContain('MERGING');
    expect(job.JobStats?.NumberOfProfilesReviewed).toBe(N);
    expect(job.JobStats?.NumberOfMergesDone ?? 0).toBe(0);
    expect(job.JobEndTime!.getTime()).toBeGreaterThanOrEqual(job.JobStartTime!.getTime());
    expect(job.JobExpirationTime!.getTime()).toBeGreaterThan(job.JobEndTime!.getTime());
    expect(job.AutoMerging?.Enabled).toBe(false);

    const groups: string[][] = [];
    let token: string | undefined;
    let first = true;
    do {
      const page = await client.send(new GetMatchesCommand({ DomainName: DOMAIN, MaxResults: 37, NextToken: token }));
      if (first) {
        expect(page.PotentialMatches).toBe(job.JobStats?.NumberOfMatchesFound);
        expect(page.MatchGenerationDate!.getTime()).toBe(job.JobEndTime!.getTime());
        first = false;
      }
      expect(page.Matches!.length).toBeLessThanOrEqual(37);
      for (const m of page.Matches!) {
        expect(m.ProfileIds!.length).toBeGreaterThanOrEqual(2);
        expect(m.ConfidenceScore).toBeGreaterThanOrEqual(0);
        expect(m.ConfidenceScore).toBeLessThanOrEqual(1);
        groups.push(m.ProfileIds!);
      }
      token = page.NextToken;
    } while (token);
    expect(groups.length).toBe(job.JobStats?.NumberOfMatchesFound);
    const score = pairwiseF1(groups, (id) => entityOfProfile.get(id))([...idOf.values()]);
    // The engine's accuracy on this generator is measured in docs/engine.md; here a floor against regressions.
    expect(score.f1).toBeGreaterThan(0.8);
  });

  it('job 2 auto-merges by RECENCY, keeps history and exports CSV to S3', async () => {
    const store = t.server.store;
    const before = new Map<string, StoredProfile>();
    for await (const batch of store.scanProfiles(DOMAIN, 1000)) for (const p of batch) before.set(p.profileId, p);

    await client.send(new UpdateDomainCommand({
      DomainName: DOMAIN,
      Matching: {
        Enabled: true,
        AutoMerging: {
          Enabled: true,
          Consolidation: { MatchingAttributesList: [['EmailAddress'], ['FirstName', 'LastName', 'BirthDate'], ['LastName', 'ShippingAddress.PostalCode']] },
          ConflictResolution: { ConflictResolvingModel: 'RECENCY' },
          MinAllowedConfidenceScoreForMerging: 0.5,
        },
        ExportingConfig: { S3Exporting: { S3BucketName: 'coalesce-exports', S3KeyName: 'results' } },
      },
    }));
    const { JobId } = await startIdentityResolutionJob({ endpoint: t.url, region: 'us-east-1', credentials: t.credentials }, DOMAIN);
    const { job, seen } = await waitForJob(client, DOMAIN, JobId!);
    expect(job.Message).toBeUndefined();
    expect(job.Status).toBe('COMPLETED');
    expect(inLifecycleOrder(seen)).toBe(true);
    expect(job.AutoMerging?.ConflictResolution?.ConflictResolvingModel).toBe('RECENCY');
    expect(job.ExportingLocation?.S3Exporting).toEqual({ S3BucketName: 'coalesce-exports', S3KeyName: `results/${DOMAIN}/${JobId}/` });

    // Every original profile is live, or was merged into a live one (history says so).
    const live = await store.resolveLiveProfileIds(DOMAIN, [...before.keys()]);
    const members = new Map<string, string[]>();
    let mergedAway = 0;
    for (const [id, liveId] of live) {
      expect(liveId).toBeDefined();
      members.set(liveId!, [...(members.get(liveId!) ?? []), id]);
      if (liveId !== id) mergedAway++;
    }
    expect(mergedAway).toBeGreaterThan(20);
    const d = await client.send(new GetDomainCommand({ DomainName: DOMAIN }));
    expect(d.Stats?.ProfileCount).toBe(N - mergedAway);

    // NumberOfMergesDone = merges (one per surviving main profile per group), each with one MERGED record.
    let mergedRecords = 0;
    for (const [mainId, ids] of members) {
      if (ids.length < 2) continue;
      const h = await client.send(new ListProfileHistoryRecordsCommand({ DomainName: DOMAIN, ProfileId: mainId, ActionType: 'MERGED' }));
      mergedRecords += h.ProfileHistoryRecords!.length;
      for (const r of h.ProfileHistoryRecords!) expect(r.PerformedBy).toBe(`IdentityResolutionJob/${JobId}`);
    }
    expect(job.JobStats?.NumberOfMergesDone).toBe(mergedRecords);

    // A merged-away profile's DELETED_BY_MERGE record holds its full previous content.
    const [mainId, ids] = [...members].find(([, v]) => v.length >= 2)!;
    const gone = ids.find((x) => x !== mainId)!;
    const hist = await client.send(new ListProfileHistoryRecordsCommand({ DomainName: DOMAIN, ProfileId: gone, ActionType: 'DELETED_BY_MERGE' }));
    expect(hist.ProfileHistoryRecords).toHaveLength(1);
    const rec = await client.send(new GetProfileHistoryRecordCommand({ DomainName: DOMAIN, ProfileId: gone, Id: hist.ProfileHistoryRecords![0]!.Id! }));
    expect(JSON.parse(rec.Content!)).toEqual({ ProfileId: gone, ...before.get(gone)!.data });

    // RECENCY: each scalar field of a merged profile holds the most recently updated value among its members.
    let checked = 0;
    for (const [main, group] of members) {
      if (group.length < 2) continue;
      const after = (await store.getProfile(DOMAIN, main))!;
      for (const field of ['FirstName', 'LastName', 'EmailAddress', 'PhoneNumber', 'BirthDate', 'AccountNumber']) {
        let best: { v: string; u: number; i: number } | undefined;
        for (const id of group) {
          const p = before.get(id)!;
          const v = (p.data as Record<string, string>)[field];
          if (!v) continue;
          const m = p.meta[field]!;
          if (!best || m.updatedAt > best.u || (m.updatedAt === best.u && m.ingestedAt > best.i)) best = { v, u: m.updatedAt, i: m.ingestedAt };
        }
        expect((after.data as Record<string, string>)[field], `${field} of ${main}`).toBe(best?.v);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);

    // GetMatches now presents the groups with live profiles only (merged-away ids map to their main profile).
    let token: string | undefined;
    let seenGroups = 0;
    do {
      const page = await client.send(new GetMatchesCommand({ DomainName: DOMAIN, MaxResults: 100, NextToken: token }));
      expect(page.PotentialMatches).toBe(job.JobStats?.NumberOfMatchesFound);
      for (const m of page.Matches!) {
        expect(new Set(m.ProfileIds).size).toBe(m.ProfileIds!.length);
        expect(m.ProfileIds!.length).toBeGreaterThanOrEqual(2);
        for (const id of m.ProfileIds!) expect(live.get(id)).toBe(id);
        seenGroups++;
      }
      token = page.NextToken;
    } while (token);
    expect(seenGroups).toBeLessThan(job.JobStats!.NumberOfMatchesFound!);

    // Export: one row per profile of every group found, in parts under results/<domain>/<JobId>/.
    const s3 = new S3Client({ endpoint: s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3 });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'coalesce-exports', Prefix: `results/${DOMAIN}/${JobId}/` }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!).sort();
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(keys[0]).toBe(`results/${DOMAIN}/${JobId}/CustomerProfilesPendingMatches-${DOMAIN}-part-1.csv`);
    const rows: Array<Record<string, string>> = [];
    for (const key of keys) {
      const obj = await s3.send(new GetObjectCommand({ Bucket: 'coalesce-exports', Key: key }));
      const text = await obj.Body!.transformToString();
      expect(text.startsWith('MatchingGroupId,ConfidenceScore,ProfileId,')).toBe(true);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(64 * 1024);
      rows.push(...parse(text, { columns: true }));
    }
    s3.destroy();
    const groups = await store.listJobMatches(DOMAIN, JobId!, 0, 1_000_000);
    expect(groups.length).toBe(job.JobStats?.NumberOfMatchesFound);
    expect(rows.length).toBe(groups.reduce((n, g) => n + g.profileIds.length, 0));
    const byGroup = new Map(groups.map((g) => [g.matchId, g]));
    for (const r of rows) {
      const g = byGroup.get(r.MatchingGroupId!)!;
      expect(g.profileIds).toContain(r.ProfileId);
      expect(Number(r.ConfidenceScore)).toBe(g.confidenceScore);
      expect(r.FirstName ?? '').toBe((before.get(r.ProfileId!)!.data.FirstName) ?? '');
    }
  });
});
