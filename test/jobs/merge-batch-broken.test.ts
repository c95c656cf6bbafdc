/**
 * Merge batches without savepoints (docs/jobs.md, "Speed of MERGING"): inside a batch a group's merges are written
 * with no savepoint of their own, so a write that fails after the group's first write leaves a partial merge in the
 * batch. The batch must then be rolled back whole and its groups merged again one transaction each: the failing group
 * alone is left unmerged (failed), every other group is merged, and the tables equal those of the strict mode
 * (one transaction per group) meeting the same failure. The failure is real SQLite: a TEMP trigger on the writer's
 * connection aborts the `merged_into` insert of a chosen profile — after that profile's row was deleted.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { AutoMerging } from '../../src/api/generated/types.js';
import { DEFAULT_JOBS_CONFIG } from '../../src/jobs/config.js';
import { mergePlannerThread } from '../../src/jobs/merge-planner.js';
import { runJob } from '../../src/jobs/runner.js';
import { localSink } from '../../src/jobs/sinks.js';
import { openSqliteStore } from '../../src/store/index.js';
import { copyDataDir, dumpMergeTables, mergingFixture } from '../helpers/merge-fixture.js';
import { makeTempDir } from '../helpers/server.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = makeTempDir('coalesce-merge-broken-');
  dirs.push(d);
  return d;
};
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const D = 'broken';
const JOB = 'f'.repeat(32);
const NOW = 9_000_000;
const settings: AutoMerging = {
  Enabled: true,
  Consolidation: { MatchingAttributesList: [['EmailAddress'], ['FirstName', 'LastName']] },
  ConflictResolution: { ConflictResolvingModel: 'RECENCY' },
};

const dump = (dir: string) => dumpMergeTables(dir, { integrity: true });

/** A domain with `n` groups of 2–3 profiles (every third with an explicit key and an object) and a job in MERGING. */
async function fixture(n: number) {
  const dir = tempDir();
  const groups = await mergingFixture({ dir, domainName: D, jobId: JOB, settings, groups: n, keyEvery: 3 });
  return { dir, groups };
}

const copyOf = (dir: string) => copyDataDir(dir, tempDir());

/**
 * Resumes the job. `failOn`: the profile whose merged_into insert fails (`times` times; Infinity: always) on the
 * writer's connection only, so the planner thread's reads are unaffected.
 */
async function run(dir: string, opts: { every: number; planner: boolean; failOn?: string; times?: number }) {
  const store = openSqliteStore(dir);
  let left = opts.times ?? Infinity;
  let fired = 0;
  if (opts.failOn) {
    store.db.function('fail_merge', { deterministic: false }, (id: unknown) => {
      if (id !== opts.failOn || left <= 0) return 0;
      left--;
      fired++;
      return 1;
    });
    store.db.exec(`CREATE TEMP TRIGGER inject_merge_failure BEFORE INSERT ON main.merged_into
      WHEN fail_merge(NEW.profile_id) BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
  }
  const logs: string[] = [];
  const job = await runJob(store, {
    domainName: D, jobId: JOB, mode: 'resume', now: () => NOW, sink: localSink(dir), log: (m) => logs.push(m),
    config: { ...DEFAULT_JOBS_CONFIG, inline: true, mergePlannerMinGroups: 0, mergeCommitEvery: opts.every, mergeCommitMs: 1e9 },
    ...(opts.planner ? { startMergePlanner: mergePlannerThread({ dataDir: dir, domainName: D, waitForPlans: true }) } : {}),
  });
  await store.close();
  return { job, logs: logs.join('\n'), fired };
}

describe('a merge that fails after its first write inside a batch (no savepoints)', () => {
  for (const planner of [true, false]) {
    it(`rolls the batch back and merges its groups again one per transaction; only the failing group fails (${planner ? 'planner thread' : 'planned in the merge'})`, async () => {
      const { dir, groups } = await fixture(30);
      // A merged (not main) profile of group 13, which has an explicit key and an object to move: its row is
      // deleted, then its merged_into insert fails.
      const victim = groups[12]!.profileIds[1]!;
      const batched = copyOf(dir);
      const strict = copyOf(dir);
      const clean = copyOf(dir);
      const a = await run(batched, { every: 8, planner, failOn: victim });
      const b = await run(strict, { every: 1, planner, failOn: victim });
      const c = await run(clean, { every: 8, planner });
      expect(a.logs).toMatch(/the open batch \(\d+ group\(s\)\) was rolled back and is merged again one group per transaction/);
      expect(a.fired).toBe(2); // in the batch, then again in its own transaction
      expect(a.job?.status).toBe('PARTIAL_SUCCESS');
      expect(a.job?.jobStats).toEqual(b.job?.jobStats);
      expect(a.job?.jobStats?.NumberOfMergesDone).toBe(29);
      const got = dump(batched);
      expect(got.integrity).toBe('ok');
      expect(got).toEqual(dump(strict));
      // The failing group is untouched: its profiles, key and object as before the job; the others all merged.
      const before = dump(dir);
      const ids = new Set(groups[12]!.profileIds);
      const rowsOf = (d: ReturnType<typeof dump>) => ({
        profiles: (d.profiles as Array<{ profile_id: string }>).filter((p) => ids.has(p.profile_id)),
        keys: (d.keys as Array<{ profile_id: string }>).filter((k) => ids.has(k.profile_id)),
        objects: (d.objects as Array<{ profile_id: string }>).filter((o) => ids.has(o.profile_id)),
      });
      expect(rowsOf(got)).toEqual(rowsOf(before));
      expect((got.profiles as unknown[]).length).toBe((dump(clean).profiles as unknown[]).length + groups[12]!.profileIds.length - 1);
      expect((got.matches as Array<{ seq: number; merge_state: number }>).filter((m) => m.merge_state !== 1)).toEqual([{ seq: 13, merge_state: 2, merges: 0 }]);
    });
  }

  it('a failure that does not happen again: every group is merged, the same tables as a run without it', async () => {
    const { dir, groups } = await fixture(20);
    const victim = groups[5]!.profileIds[1]!;
    const once = copyOf(dir);
    const clean = copyOf(dir);
    const a = await run(once, { every: 6, planner: true, failOn: victim, times: 1 });
    const c = await run(clean, { every: 6, planner: true });
    expect(a.fired).toBe(1);
    expect(a.logs).toMatch(/was rolled back and is merged again/);
    expect(a.job?.status).toBe('COMPLETED');
    expect(a.job?.jobStats).toEqual(c.job?.jobStats);
    expect(dump(once)).toEqual(dump(clean));
  });
});
