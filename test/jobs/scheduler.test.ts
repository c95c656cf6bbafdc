/**
 * The schedule with an injected clock, through the server and the official SDK: first run after enabling, default
 * Saturday 00:00 UTC, a custom schedule, PENDING deleted on disable, the weekly quota, and a restart in between
 * (missed runs collapse into one). Domains are empty so that jobs finish at once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  CreateDomainCommand, ListIdentityResolutionJobsCommand, UpdateDomainCommand, type CustomerProfilesClient,
} from '@aws-sdk/client-customer-profiles';
import { makeTempDir, startTestServer, type TestServer } from '../helpers/server.js';
import { jobsPlugin, jobsServiceOf } from '../../src/jobs/plugin.js';
import { startIdentityResolutionJob } from '../../src/jobs/client.js';

const D = 'sched';
const iso = (d: Date | undefined) => d?.toISOString();
let now = Date.parse('2026-11-18T10:00:00Z'); // a Wednesday
const clock = { now: () => now };
const dataDir = makeTempDir('coalesce-sched-');
let t: TestServer;

async function start() {
  t = await startTestServer({ dataDir, plugins: [jobsPlugin({ clock, config: { tickMs: 3_600_000, firstRunDelayMs: 60_000 } })] });
  return t;
}
const service = () => jobsServiceOf(t.server.deps)!;
async function jobs(client: CustomerProfilesClient) {
  return (await client.send(new ListIdentityResolutionJobsCommand({ DomainName: D, MaxResults: 100 }))).IdentityResolutionJobsList ?? [];
}
const pending = async (c: CustomerProfilesClient) => (await jobs(c)).filter((j) => j.Status === 'PENDING');
async function tickAndSettle() {
  await service().tick();
  await service().whenIdle();
}

afterAll(async () => { await t?.close(); });

describe('job schedule (injected clock)', () => {
  it('enabling matching schedules a first run after the short delay, then the default Saturday 00:00 UTC', async () => {
    const { client } = await start();
    await client.send(new CreateDomainCommand({ DomainName: D, DefaultExpirationDays: 30, Matching: { Enabled: true } }));
    let p = await pending(client);
    expect(p).toHaveLength(1);
    expect(iso(p[0]!.JobStartTime)).toBe('2026-11-18T10:01:00.000Z');
    await tickAndSettle(); // not due yet
    expect((await jobs(client)).map((j) => j.Status)).toEqual(['PENDING']);
    now += 61_000;
    await tickAndSettle();
    const all = await jobs(client);
    expect(all.filter((j) => j.Status === 'COMPLETED')).toHaveLength(1);
    p = await pending(client);
    expect(p.map((j) => iso(j.JobStartTime))).toEqual(['2026-11-21T00:00:00.000Z']);
  });

  it('a custom schedule reschedules the PENDING job', async () => {
    const { client } = t;
    await client.send(new UpdateDomainCommand({ DomainName: D, Matching: { Enabled: true, JobSchedule: { DayOfTheWeek: 'TUESDAY', Time: '9:30' } } }));
    const p = await pending(client);
    expect(p.map((j) => iso(j.JobStartTime))).toEqual(['2026-11-24T09:30:00.000Z']);
  });

  it('disabling matching deletes PENDING jobs; the scheduler does not recreate them', async () => {
    const { client } = t;
    await client.send(new UpdateDomainCommand({ DomainName: D, Matching: { Enabled: false } }));
    expect(await pending(client)).toHaveLength(0);
    await tickAndSettle();
    expect(await pending(client)).toHaveLength(0);
    expect((await jobs(client)).map((j) => j.Status)).toEqual(['COMPLETED']);
  });

  it('at most 3 jobs per domain in 7 days: on-demand starts are refused and a due scheduled job is postponed', async () => {
    const { client } = t;
    await client.send(new UpdateDomainCommand({ DomainName: D, Matching: { Enabled: true } }));
    expect((await pending(client)).map((j) => iso(j.JobStartTime))).toEqual(['2026-11-18T10:02:01.000Z']);
    const ext = { endpoint: t.url, region: 'us-east-1', credentials: t.credentials };
    now += 1000;
    await startIdentityResolutionJob(ext, D);
    await service().whenIdle();
    now += 1000;
    await startIdentityResolutionJob(ext, D);
    await service().whenIdle();
    expect((await jobs(client)).filter((j) => j.Status === 'COMPLETED')).toHaveLength(3);
    now += 1000;
    await expect(startIdentityResolutionJob(ext, D)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/3 identity resolution jobs in the last 7 days/) });
    // The first-run job is now due but the quota is used up: it moves to the first Saturday after a slot frees.
    now = Date.parse('2026-11-19T00:00:00Z');
    await tickAndSettle();
    const p = await pending(client);
    expect(p.map((j) => iso(j.JobStartTime))).toEqual(['2026-11-28T00:00:00.000Z']);
    expect((await jobs(client)).filter((j) => j.Status === 'COMPLETED')).toHaveLength(3);
  });

  it('after a restart, missed runs collapse into one run and the next one is scheduled', async () => {
    await t.close();
    now = Date.parse('2026-12-12T08:00:00Z'); // two Saturdays (11-28, 12-05) missed while down
    const { client } = await start();
    await service().whenIdle();
    const all = await jobs(client);
    expect(all.filter((j) => j.Status === 'COMPLETED')).toHaveLength(4);
    const ran = all.find((j) => j.Status === 'COMPLETED' && iso(j.JobStartTime) === '2026-12-12T08:00:00.000Z');
    expect(ran).toBeDefined();
    expect((await pending(client)).map((j) => iso(j.JobStartTime))).toEqual(['2026-12-19T00:00:00.000Z']);
  });
});
