/**
 * Compatibility smoke test with the AWS CLI and boto3 (from the machine's Python): a job row is written through the
 * store's job API, then read back with get-identity-resolution-job / list-identity-resolution-jobs and every field of
 * the seed's response is checked. Skips, saying so, when `aws` or boto3 is not installed.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateDomainCommand } from '@aws-sdk/client-customer-profiles';
import type { JobRecord } from '../../src/store/repository.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);

function available(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}
const hasAws = available('aws', ['--version']);
const hasBoto3 = available('python3', ['-c', 'import boto3']);
if (!hasAws) console.warn('SKIPPED: AWS CLI compatibility test — `aws` is not installed on this machine');
if (!hasBoto3) console.warn("SKIPPED: boto3 compatibility test — `python3 -c 'import boto3'` fails on this machine");

const DOMAIN = 'cli-compat';
// Times relative to now (the jobs service purges expired jobs), with millisecond parts to check precision.
const T0 = Math.floor(Date.now() / 1000) * 1000 - 2 * 3600_000;
const JOB: JobRecord = {
  domainName: DOMAIN,
  jobId: '0123456789abcdef0123456789abcdef',
  status: 'PARTIAL_SUCCESS',
  message: 'Merged 5 of 7 groups: 2 profiles were deleted while the job ran',
  jobStartTime: T0 + 250,
  jobEndTime: T0 + 1800_500,
  lastUpdatedAt: T0 + 1801_000,
  jobExpirationTime: T0 + 7 * 24 * 3600_000,
  autoMerging: {
    Enabled: true,
    Consolidation: { MatchingAttributesList: [['EmailAddress'], ['FirstName', 'LastName', 'PhoneNumber']] },
    ConflictResolution: { ConflictResolvingModel: 'SOURCE', SourceName: 'crm' },
    MinAllowedConfidenceScoreForMerging: 0.85,
  },
  exportingLocation: { S3Exporting: { S3BucketName: 'coalesce-exports', S3KeyName: 'jobs/0123456789abcdef0123456789abcdef/' } },
  jobStats: { NumberOfProfilesReviewed: 1200, NumberOfMatchesFound: 7, NumberOfMergesDone: 5 },
};
const OLDER: JobRecord = {
  domainName: DOMAIN,
  jobId: 'fedcba9876543210fedcba9876543210',
  status: 'FAILED',
  message: 'No profiles to review',
  jobStartTime: T0 - 7 * 24 * 3600_000,
  lastUpdatedAt: T0 - 7 * 24 * 3600_000 + 5000,
  jobExpirationTime: T0 + 30 * 24 * 3600_000,
};

/** The seed response's fields, as epoch seconds for timestamps. */
function expectSeedFields(got: Record<string, any>, toSeconds: (v: unknown) => number) {
  expect(got.DomainName).toBe(DOMAIN);
  expect(got.JobId).toBe(JOB.jobId);
  expect(got.Status).toBe('PARTIAL_SUCCESS');
  expect(got.Message).toBe(JOB.message);
  expect(toSeconds(got.JobStartTime)).toBeCloseTo(JOB.jobStartTime / 1000, 3);
  expect(toSeconds(got.JobEndTime)).toBeCloseTo(JOB.jobEndTime! / 1000, 3);
  expect(toSeconds(got.LastUpdatedAt)).toBeCloseTo(JOB.lastUpdatedAt / 1000, 3);
  expect(toSeconds(got.JobExpirationTime)).toBeCloseTo(JOB.jobExpirationTime! / 1000, 3);
  expect(got.AutoMerging).toEqual(JOB.autoMerging);
  expect(got.ExportingLocation).toEqual(JOB.exportingLocation);
  expect(got.JobStats).toEqual(JOB.jobStats);
}

describe('AWS CLI and boto3 compatibility', () => {
  let t: TestServer;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    t = await startTestServer();
    await t.client.send(new CreateDomainCommand({ DomainName: DOMAIN, DefaultExpirationDays: 30 }));
    await t.server.store.createJob(JOB);
    await t.server.store.createJob(OLDER);
    env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: t.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: t.credentials.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    };
  });
  afterAll(async () => t?.close());

  const aws = async (...args: string[]) => {
    const { stdout } = await run('aws', ['customer-profiles', ...args, '--endpoint-url', t.url, '--output', 'json'], { env });
    return JSON.parse(stdout);
  };
  // AWS CLI v1 prints wire timestamps as received (epoch seconds); v2 prints ISO 8601.
  const cliSeconds = (v: unknown) => (typeof v === 'number' ? v : Date.parse(String(v)) / 1000);

  it.skipIf(!hasAws)('aws customer-profiles get-identity-resolution-job returns every field of the job', async () => {
    const got = await aws('get-identity-resolution-job', '--domain-name', DOMAIN, '--job-id', JOB.jobId);
    expectSeedFields(got, cliSeconds);
  });

  it.skipIf(!hasAws)('aws customer-profiles list-identity-resolution-jobs lists newest first', async () => {
    const got = await aws('list-identity-resolution-jobs', '--domain-name', DOMAIN, '--max-results', '5');
    expect(got.IdentityResolutionJobsList.map((j: any) => j.JobId)).toEqual([JOB.jobId, OLDER.jobId]);
    expect(got.IdentityResolutionJobsList[0]).toMatchObject({ Status: 'PARTIAL_SUCCESS', JobStats: JOB.jobStats, ExportingLocation: JOB.exportingLocation });
    expect(got.IdentityResolutionJobsList[1].Status).toBe('FAILED');
  });

  it.skipIf(!hasAws)('the CLI reports server errors with their code and message', async () => {
    const err = await run('aws', ['customer-profiles', 'get-identity-resolution-job', '--domain-name', DOMAIN, '--job-id', 'a'.repeat(32), '--endpoint-url', t.url], { env })
      .then(() => undefined, (e) => e);
    expect(err?.stderr).toMatch(/\(ResourceNotFoundException\) when calling the GetIdentityResolutionJob operation/);
  });

  it.skipIf(!hasBoto3)('boto3 get_identity_resolution_job / list_identity_resolution_jobs', async () => {
    const script = `
import json, sys, boto3, botocore
c = boto3.client('customer-profiles', endpoint_url=sys.argv[1], region_name='us-east-1',
                 aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
def plain(v):
    if hasattr(v, 'timestamp'): return v.timestamp()
    if isinstance(v, dict): return {k: plain(x) for k, x in v.items() if k != 'ResponseMetadata'}
    if isinstance(v, list): return [plain(x) for x in v]
    return v
out = {'get': plain(c.get_identity_resolution_job(DomainName='${DOMAIN}', JobId='${JOB.jobId}')),
       'list': plain(c.list_identity_resolution_jobs(DomainName='${DOMAIN}', MaxResults=1))}
try:
    c.get_identity_resolution_job(DomainName='${DOMAIN}', JobId='not-hex')
except c.exceptions.BadRequestException as e:
    out['bad'] = e.response['Error']
try:
    c.get_identity_resolution_job(DomainName='${DOMAIN}', JobId='${'b'.repeat(32)}')
except c.exceptions.ResourceNotFoundException as e:
    out['missing'] = e.response['Error']
out['presigned'] = c.generate_presigned_url('get_identity_resolution_job', Params={'DomainName': '${DOMAIN}', 'JobId': '${JOB.jobId}'}, ExpiresIn=300)
print(json.dumps(out))
`;
    const { stdout } = await run('python3', ['-c', script, t.url, t.credentials.accessKeyId, t.credentials.secretAccessKey], { env });
    const out = JSON.parse(stdout);
    expectSeedFields(out.get, (v) => v as number);
    expect(out.list.IdentityResolutionJobsList).toHaveLength(1);
    expect(out.list.IdentityResolutionJobsList[0].JobId).toBe(JOB.jobId);
    expect(typeof out.list.NextToken).toBe('string');
    expect(out.bad.Code).toBe('BadRequestException');
    expect(out.bad.Message).toMatch(/Value 'not-hex' at 'jobId' failed to satisfy constraint/);
    expect(out.missing.Code).toBe('ResourceNotFoundException');
    // botocore's presigned URL (query-string SigV4) is accepted as is.
    const presigned = await fetch(out.presigned);
    expect(presigned.status).toBe(200);
    expect((await presigned.json()).JobId).toBe(JOB.jobId);
  });
});
