/** Upload jobs end to end: official SDK against a real in-process server, file PUT with plain fetch. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateDomainCommand, CreateUploadJobCommand, GetUploadJobCommand, GetUploadJobPathCommand, ListUploadJobsCommand,
  SearchProfilesCommand, StartUploadJobCommand, StopUploadJobCommand,
} from '@aws-sdk/client-customer-profiles';
import { signUploadUrl } from '../../src/ingest/upload-url.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
const DOMAIN = 'uploads';
const FIELDS = {
  id: { Source: '_source.customer_id', Target: '_profile.AccountNumber' },
  first: { Source: '_source.first', Target: '_profile.FirstName' },
  last: { Source: '_source.last', Target: '_profile.LastName' },
  email: { Source: '_source.email', Target: '_profile.EmailAddress' },
  city: { Source: '_source.city', Target: '_profile.Address.City' },
};

beforeAll(async () => {
  t = await startTestServer();
  await t.client.send(new CreateDomainCommand({ DomainName: DOMAIN, DefaultExpirationDays: 365 }));
});
afterAll(async () => { await t?.close(); });

async function newJob(name: string) {
  const { JobId } = await t.client.send(new CreateUploadJobCommand({ DomainName: DOMAIN, DisplayName: name, Fields: FIELDS, UniqueKey: 'id' }));
  const path = await t.client.send(new GetUploadJobPathCommand({ DomainName: DOMAIN, JobId }));
  return { jobId: JobId!, url: path.Url!, path };
}

async function waitDone(jobId: string) {
  for (let i = 0; i < 300; i++) {
    const j = await t.client.send(new GetUploadJobCommand({ DomainName: DOMAIN, JobId: jobId }));
    if (j.Status !== 'CREATED' && j.Status !== 'IN_PROGRESS') return j;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('upload job did not finish');
}

const put = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'PUT', body, headers: { 'content-type': 'text/csv', ...headers } });

describe('upload jobs', () => {
  it('create → path → PUT → start → counts → profiles searchable; re-upload updates, not duplicates', async () => {
    const { jobId, url, path } = await newJob('customers.csv');
    expect(jobId).toMatch(/^[a-f0-9]{32}$/);
    expect(url.startsWith(`${t.url}/uploads/${DOMAIN}/${jobId}?`)).toBe(true);
    expect(path.ClientToken).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(path.ValidUntil!.getTime()).toBeGreaterThan(Date.now());

    const csv = 'customer_id,first,last,email,city\nc1,Ann,Lee,ann@x.org,Oslo\nc2,Bo,"Ng, Jr",bo@x.org,Rome\nc3,Cy,Xu,cy@x.org,"unclosed\nc1,Dup,Dup,d@x.org,Paris\n';
    const res = await put(url, csv);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^"[a-f0-9]{32}"$/);
    await t.client.send(new StartUploadJobCommand({ DomainName: DOMAIN, JobId: jobId }));
    const done = await waitDone(jobId);
    expect(done).toMatchObject({
      JobId: jobId, DisplayName: 'customers.csv', Status: 'PARTIALLY_SUCCEEDED', UniqueKey: 'id', Fields: FIELDS,
      ResultsSummary: { CreatedRecords: 2, UpdatedRecords: 0, FailedRecords: 2 },
    });
    expect(done.StatusReason).toBeUndefined();
    expect(done.CompletedAt).toBeInstanceOf(Date);

    const found = await t.client.send(new SearchProfilesCommand({ DomainName: DOMAIN, KeyName: '_email', Values: ['bo@x.org'] }));
    expect(found.Items).toHaveLength(1);
    expect(found.Items![0]).toMatchObject({ FirstName: 'Bo', LastName: 'Ng, Jr', AccountNumber: 'c2', Address: { City: 'Rome' } });
    const byKey = await t.client.send(new SearchProfilesCommand({ DomainName: DOMAIN, KeyName: '_account', Values: ['c1'] }));
    expect(byKey.Items!.map((p) => p.FirstName)).toEqual(['Ann']);

    // Same unique keys again, one value changed: updates, no new profiles.
    const again = await newJob('customers-2.csv');
    expect((await put(again.url, 'customer_id,first,last,email,city\nc1,Ann,Lee,ann@x.org,Bergen\nc2,Bo,"Ng, Jr",bo@x.org,Rome\n')).status).toBe(200);
    await t.client.send(new StartUploadJobCommand({ DomainName: DOMAIN, JobId: again.jobId }));
    expect(await waitDone(again.jobId)).toMatchObject({ Status: 'SUCCEEDED', ResultsSummary: { CreatedRecords: 0, UpdatedRecords: 2, FailedRecords: 0 } });
    const ann = await t.client.send(new SearchProfilesCommand({ DomainName: DOMAIN, KeyName: '_account', Values: ['c1'] }));
    expect(ann.Items!.map((p) => p.Address?.City)).toEqual(['Bergen']);
    expect(ann.Items![0]!.ProfileId).toBe(byKey.Items![0]!.ProfileId);

    const list = await t.client.send(new ListUploadJobsCommand({ DomainName: DOMAIN, MaxResults: 1 }));
    expect(list.Items).toHaveLength(1);
    expect(list.NextToken).toBeDefined();
    const next = await t.client.send(new ListUploadJobsCommand({ DomainName: DOMAIN, MaxResults: 1, NextToken: list.NextToken }));
    expect(next.Items![0]!.JobId).not.toBe(list.Items![0]!.JobId);
  });

  it('refuses tampered, foreign and expired upload URLs with S3-shaped 403s and writes nothing', async () => {
    const a = await newJob('a.csv');
    const b = await newJob('b.csv');
    const tampered = a.url.replace(/token=(.)/, (_m, c: string) => `token=${c === 'A' ? 'B' : 'A'}`);
    const r1 = await put(tampered, 'customer_id,first\nx,y\n');
    expect(r1.status).toBe(403);
    expect(await r1.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    // a's token on b's path
    const r2 = await put(b.url.split('?')[0] + '?' + a.url.split('?')[1], 'customer_id,first\nx,y\n');
    expect(r2.status).toBe(403);
    const r3 = await put(a.url.split('?')[0], 'x');
    expect(r3.status).toBe(403);
    expect(await r3.text()).toContain('<Code>AccessDenied</Code>');
    // SSE-C headers must carry this URL's ClientToken
    const r4 = await put(a.url, 'customer_id,first\nx,y\n', { 'x-amz-server-side-encryption-customer-key': Buffer.alloc(32).toString('base64') });
    expect(r4.status).toBe(403);
    await expect(t.client.send(new StartUploadJobCommand({ DomainName: DOMAIN, JobId: a.jobId }))).rejects.toMatchObject({ name: 'BadRequestException' });

    // Expired: the URL the server issued for this job two hours ago (same secret, ValidUntil in the past).
    const old = signUploadUrl(t.server.store.tokens, t.url, DOMAIN, a.jobId, Date.now() - 2 * 3600_000);
    expect(old.validUntil).toBeLessThan(Date.now());
    const r5 = await put(old.url, 'customer_id,first\nx,y\n');
    expect(r5.status).toBe(403);
    expect(await r5.text()).toContain('<Message>Request has expired</Message>');
    expect(await t.client.send(new GetUploadJobCommand({ DomainName: DOMAIN, JobId: a.jobId }))).toMatchObject({ Status: 'CREATED' });
  });

  it('accepts the ClientToken as SSE-C key; stop before and after start', async () => {
    const { jobId, url, path } = await newJob('sse.csv');
    const key = path.ClientToken!;
    const md5 = (await import('node:crypto')).createHash('md5').update(Buffer.from(key, 'base64')).digest('base64');
    const res = await put(url, 'customer_id,first\nk1,Kim\n', {
      'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-server-side-encryption-customer-key': key,
      'x-amz-server-side-encryption-customer-key-MD5': md5,
    });
    expect(res.status).toBe(200);
    await t.client.send(new StopUploadJobCommand({ DomainName: DOMAIN, JobId: jobId }));
    const stopped = await t.client.send(new GetUploadJobCommand({ DomainName: DOMAIN, JobId: jobId }));
    expect(stopped).toMatchObject({ Status: 'STOPPED', ResultsSummary: { CreatedRecords: 0, UpdatedRecords: 0, FailedRecords: 0 } });
    await expect(t.client.send(new StartUploadJobCommand({ DomainName: DOMAIN, JobId: jobId }))).rejects.toMatchObject({ name: 'BadRequestException' });
    expect((await put(url, 'customer_id,first\nk1,Kim\n')).status).toBe(400);
  });

  it('stops a running job between batches', async () => {
    const rows = Array.from({ length: 30000 }, (_, i) => `s${i},Name${i},L,s${i}@x.org,C`).join('\n');
    const { jobId, url } = await newJob('big.csv');
    expect((await put(url, `customer_id,first,last,email,city\n${rows}\n`)).status).toBe(200);
    await t.client.send(new StartUploadJobCommand({ DomainName: DOMAIN, JobId: jobId }));
    await t.client.send(new StopUploadJobCommand({ DomainName: DOMAIN, JobId: jobId }));
    const j = await waitDone(jobId);
    expect(j.Status).toBe('STOPPED');
    const s = j.ResultsSummary!;
    expect(s.CreatedRecords! % 5000).toBe(0); // whole batches only
    expect(s.CreatedRecords!).toBeLessThan(30000);
  });

  it('validates CreateUploadJob and unknown jobs', async () => {
    await expect(t.client.send(new CreateUploadJobCommand({
      DomainName: DOMAIN, DisplayName: 'bad', Fields: { x: { Source: '_source.a', Target: '_profile.Nickname' } }, UniqueKey: 'x',
    }))).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(t.client.send(new GetUploadJobCommand({ DomainName: DOMAIN, JobId: 'f'.repeat(32) })))
      .rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(t.client.send(new CreateUploadJobCommand({ DomainName: 'nope', DisplayName: 'x', Fields: FIELDS, UniqueKey: 'id' })))
      .rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('upload job interrupted by a server shutdown', () => {
  it('stays IN_PROGRESS and resumes after its last committed batch on restart, with exact counts', async () => {
    const { makeTempDir } = await import('../helpers/server.js');
    const dataDir = makeTempDir('coalesce-upload-restart-');
    const rows = Array.from({ length: 20000 }, (_, i) => `r${i},N${i},L,r${i}@x.org,C`);
    rows[15000] = 'r1,Dup,L,dup@x.org,C'; // duplicate of a row before the resume point: still rejected after resuming
    let jobId: string;
    const first = await startTestServer({ dataDir });
    try {
      await first.client.send(new CreateDomainCommand({ DomainName: DOMAIN, DefaultExpirationDays: 365 }));
      ({ JobId: jobId } = await first.client.send(new CreateUploadJobCommand({ DomainName: DOMAIN, DisplayName: 'r.csv', Fields: FIELDS, UniqueKey: 'id' })) as { JobId: string });
      const { Url } = await first.client.send(new GetUploadJobPathCommand({ DomainName: DOMAIN, JobId: jobId }));
      expect((await put(Url!, `customer_id,first,last,email,city\n${rows.join('\n')}\n`)).status).toBe(200);
      await first.client.send(new StartUploadJobCommand({ DomainName: DOMAIN, JobId: jobId }));
    } finally {
      await first.close(); // pauses the job after its current batch
    }
    const { openStore } = await import('../../src/store/index.js');
    const store = await openStore(dataDir);
    const paused = await store.getUploadJob(DOMAIN, jobId!);
    await store.close();
    expect(paused).toMatchObject({ status: 'IN_PROGRESS', failedRecords: 0 });
    expect(paused!.createdRecords % 5000).toBe(0); // whole batches committed, with their progress
    expect(paused!.createdRecords).toBeLessThan(15000);
    expect(paused!.lastLine).toBe(paused!.createdRecords + 1);
    const second = await startTestServer({ dataDir });
    try {
      const t2 = t;
      t = second;
      const done = await waitDone(jobId).finally(() => { t = t2; });
      expect(done).toMatchObject({ Status: 'PARTIALLY_SUCCEEDED', ResultsSummary: { CreatedRecords: 19999, UpdatedRecords: 0, FailedRecords: 1 } });
      expect((await second.server.store.getDomainStats(DOMAIN)).profileCount).toBe(19999);
    } finally {
      await second.close();
    }
  });
});
