import {
  BadRequestException, CreateDomainCommand, GetIdentityResolutionJobCommand, ListIdentityResolutionJobsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-customer-profiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord, JobStatus } from '../../src/store/repository.js';
import { signedFetch } from '../api/signed-fetch.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
const D = 'jobs-a';
const OTHER = 'jobs-b';
const STATUSES: JobStatus[] = ['PENDING', 'PREPROCESSING', 'FIND_MATCHING', 'MERGING', 'COMPLETED', 'PARTIAL_SUCCESS', 'FAILED'];
const sec = (s: number) => s * 1000;
const hex = (n: number) => n.toString(16).padStart(32, '0');

const full: JobRecord = {
  domainName: D,
  jobId: 'a'.repeat(32),
  status: 'PARTIAL_SUCCESS',
  message: 'Export to s3://bucket failed: NoSuchBucket; 12 merges done',
  jobStartTime: sec(1_700_000_000),
  jobEndTime: sec(1_700_000_900),
  lastUpdatedAt: sec(1_700_000_901),
  jobExpirationTime: sec(1_700_000_000 + 30 * 86400),
  autoMerging: {
    Enabled: true,
    Consolidation: { MatchingAttributesList: [['EmailAddress'], ['FirstName', 'LastName', 'Address.City']] },
    ConflictResolution: { ConflictResolvingModel: 'SOURCE', SourceName: 'crm' },
    MinAllowedConfidenceScoreForMerging: 0.75,
  },
  exportingLocation: { S3Exporting: { S3BucketName: 'bucket', S3KeyName: `exports/${D}/${'a'.repeat(32)}` } },
  jobStats: { NumberOfProfilesReviewed: 1000, NumberOfMatchesFound: 40, NumberOfMergesDone: 12 },
};

beforeAll(async () => {
  // The read operations are tested through the store API alone: without the other areas' plugins, no scheduler
  // rewrites the jobs written here (it would delete PENDING jobs of domains without matching).
  t = await startTestServer({ defaultPlugins: false });
  await t.client.send(new CreateDomainCommand({ DomainName: D, DefaultExpirationDays: 30 }));
  await t.client.send(new CreateDomainCommand({ DomainName: OTHER, DefaultExpirationDays: 30 }));
});
afterAll(async () => { await t?.close(); });

describe('GetIdentityResolutionJob', () => {
  it('returns every field of the seed response, exactly', async () => {
    await t.server.store.createJob(full);
    const r = await t.client.send(new GetIdentityResolutionJobCommand({ DomainName: D, JobId: full.jobId }));
    const { $metadata, ...out } = r;
    expect($metadata.httpStatusCode).toBe(200);
    expect(out).toEqual({
      DomainName: D,
      JobId: full.jobId,
      Status: 'PARTIAL_SUCCESS',
      Message: full.message,
      JobStartTime: new Date(full.jobStartTime),
      JobEndTime: new Date(full.jobEndTime!),
      LastUpdatedAt: new Date(full.lastUpdatedAt),
      JobExpirationTime: new Date(full.jobExpirationTime!),
      AutoMerging: full.autoMerging,
      ExportingLocation: full.exportingLocation,
      JobStats: full.jobStats,
    });
    // On the wire: the documented member names, timestamps as epoch seconds.
    const raw = await signedFetch(t.url, { method: 'GET', path: `/domains/${D}/identity-resolution-jobs/${full.jobId}` });
    expect(raw.status).toBe(200);
    expect(Object.keys(raw.json).sort()).toEqual([
      'AutoMerging', 'DomainName', 'ExportingLocation', 'JobEndTime', 'JobExpirationTime', 'JobId', 'JobStartTime',
      'JobStats', 'LastUpdatedAt', 'Message', 'Status',
    ]);
    expect(raw.json.JobStartTime).toBe(1_700_000_000);
    expect(raw.json.JobStats).toEqual({ NumberOfProfilesReviewed: 1000, NumberOfMatchesFound: 40, NumberOfMergesDone: 12 });
  });

  it('reports each of the 7 statuses, with optional fields absent until set', async () => {
    for (const [i, status] of STATUSES.entries()) {
      const jobId = hex(0x100 + i);
      await t.server.store.createJob({ domainName: OTHER, jobId, status, jobStartTime: sec(1_800_000_000 + i), lastUpdatedAt: sec(1_800_000_000 + i) });
      const r = await t.client.send(new GetIdentityResolutionJobCommand({ DomainName: OTHER, JobId: jobId }));
      expect(r.Status).toBe(status);
      expect(r.JobEndTime).toBeUndefined();
      expect(r.Message).toBeUndefined();
      expect(r.JobStats).toBeUndefined();
      expect(r.AutoMerging).toBeUndefined();
      expect(r.ExportingLocation).toBeUndefined();
      expect(r.JobExpirationTime).toBeUndefined();
    }
  });

  it('follows updates, including compare-and-set on the status', async () => {
    const jobId = 'b'.repeat(32);
    await t.server.store.createJob({ domainName: D, jobId, status: 'PENDING', jobStartTime: sec(1_750_000_000), lastUpdatedAt: sec(1_750_000_000) });
    const ok = await t.server.store.updateJob(D, jobId, { status: 'PREPROCESSING', lastUpdatedAt: sec(1_750_000_010) }, 'PENDING');
    expect(ok?.status).toBe('PREPROCESSING');
    const lost = await t.server.store.updateJob(D, jobId, { status: 'FAILED', lastUpdatedAt: sec(1_750_000_011) }, 'PENDING');
    expect(lost).toBeUndefined();
    await t.server.store.updateJob(D, jobId, {
      status: 'FAILED', message: 'No profiles to review', jobEndTime: sec(1_750_000_020), lastUpdatedAt: sec(1_750_000_020),
      jobStats: { NumberOfProfilesReviewed: 0, NumberOfMatchesFound: 0, NumberOfMergesDone: 0 },
    });
    const r = await t.client.send(new GetIdentityResolutionJobCommand({ DomainName: D, JobId: jobId }));
    expect(r).toMatchObject({ Status: 'FAILED', Message: 'No profiles to review', JobEndTime: new Date(sec(1_750_000_020)) });
    expect(r.JobStats).toEqual({ NumberOfProfilesReviewed: 0, NumberOfMatchesFound: 0, NumberOfMergesDone: 0 });
    expect(r.LastUpdatedAt).toEqual(new Date(sec(1_750_000_020)));
    // Clearing a member.
    await t.server.store.updateJob(D, jobId, { message: undefined });
    expect((await t.client.send(new GetIdentityResolutionJobCommand({ DomainName: D, JobId: jobId }))).Message).toBeUndefined();
    await t.server.store.deleteJob(D, jobId);
    await expect(t.client.send(new GetIdentityResolutionJobCommand({ DomainName: D, JobId: jobId }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('answers ResourceNotFoundException for an unknown job, a job of another domain, an unknown domain', async () => {
    const e = await t.client.send(new GetIdentityResolutionJobCommand({ DomainName: D, JobId: 'c'.repeat(32) })).catch((x) => x);
    expect(e).toBeInstanceOf(ResourceNotFoundException);
    expect(e.message).toContain('c'.repeat(32));
    await expect(t.client.send(new GetIdentityResolutionJobCommand({ DomainName: OTHER, JobId: full.jobId })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(t.client.send(new GetIdentityResolutionJobCommand({ DomainName: 'nodomain', JobId: full.jobId })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(t.client.send(new GetIdentityResolutionJobCommand({ DomainName: D, JobId: 'XYZ' })))
      .rejects.toBeInstanceOf(BadRequestException);
  });
});

describe('ListIdentityResolutionJobs', () => {
  const L = 'jobs-list';
  beforeAll(async () => {
    await t.client.send(new CreateDomainCommand({ DomainName: L, DefaultExpirationDays: 30 }));
    // Inserted out of order; two share a JobStartTime.
    const starts = [5, 1, 9, 3, 7, 3, 2, 8, 6, 4];
    for (const [i, s] of starts.entries()) {
      await t.server.store.createJob({
        domainName: L, jobId: hex(i + 1), status: STATUSES[i % 7], jobStartTime: sec(1_600_000_000 + s * 3600),
        lastUpdatedAt: sec(1_600_000_000 + s * 3600), jobEndTime: i % 2 ? sec(1_600_000_000 + s * 3600 + 60) : undefined,
        message: i === 0 ? 'msg' : undefined, jobStats: i === 0 ? { NumberOfProfilesReviewed: 3 } : undefined,
        exportingLocation: i === 0 ? { S3Exporting: { S3BucketName: 'b', S3KeyName: 'k' } } : undefined,
        autoMerging: { Enabled: false },
      });
    }
  });

  it('lists newest JobStartTime first with the IdentityResolutionJob item shape', async () => {
    const r = await t.client.send(new ListIdentityResolutionJobsCommand({ DomainName: L }));
    const items = r.IdentityResolutionJobsList!;
    expect(items.length).toBe(10);
    const times = items.map((j) => j.JobStartTime!.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(r.NextToken).toBeUndefined();
    const first = items.find((j) => j.JobId === hex(1))!;
    expect(first).toEqual({
      DomainName: L, JobId: hex(1), Status: 'PENDING', JobStartTime: new Date(sec(1_600_000_000 + 5 * 3600)),
      JobStats: { NumberOfProfilesReviewed: 3 }, ExportingLocation: { S3Exporting: { S3BucketName: 'b', S3KeyName: 'k' } }, Message: 'msg',
    });
    expect(items.find((j) => j.JobId === hex(2))!.JobEndTime).toEqual(new Date(sec(1_600_000_000 + 3600 + 60)));
  });

  it('paginates with MaxResults 1..100 and opaque tokens bound to the domain', async () => {
    const all = (await t.client.send(new ListIdentityResolutionJobsCommand({ DomainName: L }))).IdentityResolutionJobsList!.map((j) => j.JobId);
    for (const size of [1, 3, 4]) {
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const r = await t.client.send(new ListIdentityResolutionJobsCommand({ DomainName: L, MaxResults: size, NextToken: token }));
        expect(r.IdentityResolutionJobsList!.length).toBeLessThanOrEqual(size);
        seen.push(...r.IdentityResolutionJobsList!.map((j) => j.JobId!));
        token = r.NextToken;
      } while (token);
      expect(seen).toEqual(all);
    }
    const page = await t.client.send(new ListIdentityResolutionJobsCommand({ DomainName: L, MaxResults: 2 }));
    expect(page.NextToken).toBeTruthy();
    // The same token used on another domain is refused, and so is a tampered one.
    const cross = await t.client.send(new ListIdentityResolutionJobsCommand({ DomainName: OTHER, NextToken: page.NextToken })).catch((x) => x);
    expect(cross).toBeInstanceOf(BadRequestException);
    const [payload, mac] = page.NextToken!.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ t: 9e15, id: 'f'.repeat(32) })).toString('base64url');
    for (const bad of [`${forgedPayload}.${mac}`, `${payload}.${mac.slice(0, -2)}AA`, 'garbage', `${payload}`]) {
      const e = await t.client.send(new ListIdentityResolutionJobsCommand({ DomainName: L, NextToken: bad })).catch((x) => x);
      expect(e, bad).toBeInstanceOf(BadRequestException);
    }
    for (const MaxResults of [0, 101]) {
      await expect(t.client.send(new ListIdentityResolutionJobsCommand({ DomainName: L, MaxResults })))
        .rejects.toBeInstanceOf(BadRequestException);
    }
    await expect(t.client.send(new ListIdentityResolutionJobsCommand({ DomainName: 'nodomain' })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    const other = await t.client.send(new ListIdentityResolutionJobsCommand({ DomainName: OTHER, MaxResults: 100 }));
    expect(other.IdentityResolutionJobsList!.length).toBe(7);
  });
});
