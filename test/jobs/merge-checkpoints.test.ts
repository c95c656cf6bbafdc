/**
 * Checkpoints while a job worker is MERGING (docs/jobs.md, "Speed of MERGING"): the worker checkpoints every
 * walCheckpointPages pages, the API's connection only past twice that while the worker merges (so an API write does
 * not run a checkpoint of the job's backlog on the event loop), and gets its own setting back when the worker stops.
 * Real server in-process, real worker thread, the test pause point in the middle of MERGING.
 */
import { CreateDomainCommand, GetIdentityResolutionJobCommand } from '@aws-sdk/client-customer-profiles';
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
afterAll(async () => { await t?.close(); });

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
});
