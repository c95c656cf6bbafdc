/**
 * Checkpoints while a job worker is MERGING (docs/jobs.md, "Speed of MERGING"): the worker checkpoints every
 * walCheckpointPages pages, the API's connection only past twice that while the worker merges (so an API write does
 * not run a checkpoint of the job's backlog on the event loop), and gets its own setting back when the worker stops.
 * Real server in-process, real worker thread, the test pause point in the middle of MERGING.
 */
import { CreateDomainCommand, GetIdentityResolutionJobCommand } from '@aws-sdk/client-customer-profiles';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { generateRecords } from '../../src/engine/generate/index.js';
import { startIdentityResolutionJob } from '../../src/jobs/client.js';
import { jobsPlugin, jobsServiceOf } from '../../src/jobs/plugin.js';
import { applyProfileWrite } from '../../src/store/profile-write.js';
import { insertProfile } from '../../src/store/sqlite/profiles.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const D = 'ckpt';
let t: TestServer | undefined;
let t2: TestServer | undefined;
afterAll(async () => { await t?.close(); await t2?.close(); });

describe('checkpoints during MERGING', () => {
  it('raises the API connection\'s threshold while a worker merges and restores it when the worker stops', async () => {
    t = await startTestServer({ plugins: [jobsPlugin({ s3: null, config: { tickMs: 3_600_000, testPauseAt: 'MERGING', walCheckpointPages: 3000 } })] });
    const db = (t.server.store as SqliteStore).db;
    const pages = () => db.pragma('wal_autocheckpoint', { simple: true });
    await t.client.send(new CreateDomainCommand({
      DomainName: D, DefaultExpirationDays: 30,
      Matching: {
        Enabled: true,
        AutoMerging: { Enabled: true, Consolidation: { MatchingAttributesList: [['EmailAddress'], ['FirstName', 'LastName', 'BirthDate']] } },
      },
    }));
    const store = t.server.store as SqliteStore;
    const now = Date.now();
    let i = 0;
    store.context.tx(() => {
      for (const r of generateRecords(1500, 3)) {
        insertProfile(store.context, D, `c${String(i++).padStart(31, '0')}`, applyProfileWrite(undefined, { data: r.profile.data, source: 'gen', sourceUpdatedAt: r.updatedAt }, now), now);
      }
    });
    expect(pages()).toBe(1000);
    const { JobId } = await startIdentityResolutionJob({ endpoint: t.url, region: 'us-east-1', credentials: t.credentials }, D);
    // Paused after half of the eligible groups were merged (stats written), worker alive.
    for (const until = Date.now() + 90_000; ;) {
      const j = await t.client.send(new GetIdentityResolutionJobCommand({ DomainName: D, JobId }));
      if (j.Status === 'MERGING' && (j.JobStats?.NumberOfMergesDone ?? 0) > 0) break;
      expect(['PENDING', 'PREPROCESSING', 'FIND_MATCHING', 'MERGING']).toContain(j.Status);
      if (Date.now() > until) throw new Error(`job still ${j.Status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(pages()).toBe(6000);
    await jobsServiceOf(t.server.deps)!.stop(); // terminates the worker (the job is recovered at the next start)
    expect(pages()).toBe(1000);
  }, 120_000);

  it('checkpoints a large WAL left by MERGING on a thread of its own while the export runs, then restores the API\'s threshold', async () => {
    // A small checkpoint threshold makes this job's WAL "large" (>= 1/8 of it), as a big job's is with the default.
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => { lines.push(l); } });
    t2 = await startTestServer({ logger, plugins: [jobsPlugin({ s3: null, config: { tickMs: 3_600_000, walCheckpointPages: 64 } })] });
    const store = t2.server.store as SqliteStore;
    const pages = () => store.db.pragma('wal_autocheckpoint', { simple: true });
    await t2.client.send(new CreateDomainCommand({
      DomainName: D, DefaultExpirationDays: 30,
      Matching: {
        Enabled: true,
        AutoMerging: { Enabled: true, Consolidation: { MatchingAttributesList: [['EmailAddress'], ['FirstName', 'LastName', 'BirthDate']] } },
        ExportingConfig: { S3Exporting: { S3BucketName: 'ckpt-bucket', S3KeyName: 'out' } },
      },
    }));
    const now = Date.now();
    let i = 0;
    store.context.tx(() => {
      for (const r of generateRecords(1500, 3)) {
        insertProfile(store.context, D, `c${String(i++).padStart(31, '0')}`, applyProfileWrite(undefined, { data: r.profile.data, source: 'gen', sourceUpdatedAt: r.updatedAt }, now), now);
      }
    });
    const { JobId } = await startIdentityResolutionJob({ endpoint: t2.url, region: 'us-east-1', credentials: t2.credentials }, D);
    let job;
    for (const until = Date.now() + 90_000; ;) {
      job = await t2.client.send(new GetIdentityResolutionJobCommand({ DomainName: D, JobId }));
      if (!['PENDING', 'PREPROCESSING', 'FIND_MATCHING', 'MERGING'].includes(job.Status!)) break;
      if (Date.now() > until) throw new Error(`job still ${job.Status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(job.Status).toBe('COMPLETED');
    expect(job.JobStats?.NumberOfMergesDone).toBeGreaterThan(0);
    await jobsServiceOf(t2.server.deps)!.whenIdle();
    // The background checkpoint ran and was reported; the API's connection has its own threshold back.
    expect(lines.some((l) => l.includes("MERGING's WAL checkpointed on a background thread"))).toBe(true);
    expect(pages()).toBe(1000);
    const folder = join(t2.dataDir, 's3', 'ckpt-bucket', 'out', D, JobId!);
    expect(existsSync(folder) && readdirSync(folder).length).toBeGreaterThan(0);
    // Everything the job wrote is in the database file (nothing left in the WAL but what a checkpoint copies now).
    const [r] = store.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    expect(r!.busy).toBe(0);
    expect(r!.checkpointed).toBe(r!.log);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  }, 120_000);
});
