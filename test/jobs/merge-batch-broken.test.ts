/**
 * Merge batches without savepoints (docs/jobs.md, "Speed of MERGING"): inside a batch a group's merges are written
 * with no savepoint of their own, so a write that fails after the group's first write leaves a partial merge in the
 * batch. The batch must then be rolled back whole and its groups merged again one transaction each: the failing group
 * alone is left unmerged (failed), every other group is merged, and the tables equal those of the strict mode
 * (one transaction per group) meeting the same failure. The failure is real SQLite: a TEMP trigger on the writer's
 * connection aborts the `merged_into` insert of a chosen profile — after that profile's row was deleted.
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AutoMerging } from '../../src/api/generated/types.js';
import { DEFAULT_JOBS_CONFIG } from '../../src/jobs/config.js';
import { mergePlannerThread } from '../../src/jobs/merge-planner.js';
import { runJob } from '../../src/jobs/runner.js';
import { localSink } from '../../src/jobs/sinks.js';
import type { ProfileData } from '../../src/model/profile.js';
import { DB_FILE, openSqliteStore } from '../../src/store/index.js';
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

/** Every table a merge writes, without random ids and autoincrement counters. */
function dump(dir: string) {
  const db = new Database(join(dir, DB_FILE), { readonly: true });
  try {
    const q = (sql: string) => db.prepare(sql).all();
    return {
      profiles: q('SELECT profile_id, data, meta, created_at, updated_at FROM profiles ORDER BY profile_id'),
      keys: q('SELECT key_name, value, profile_id, derived FROM profile_keys ORDER BY 1, 2, 3, 4'),
      objects: q('SELECT object_type_name, unique_key, profile_id FROM profile_objects ORDER BY 1, 2'),
      history: q('SELECT profile_id, object_type_name, action_type, created_at, performed_by, content FROM history ORDER BY seq'),
      mergeLog: q('SELECT job_id, main_profile_id, merged_profile_ids, before, created_at FROM merge_log ORDER BY seq'),
      mergedInto: q('SELECT profile_id, main_profile_id, merged_at FROM merged_into ORDER BY 1'),
      matches: q('SELECT seq, merge_state, merges FROM job_matches ORDER BY seq'),
      stats: q('SELECT profile_count, object_count, total_size FROM domain_stats'),
      integrity: db.pragma('integrity_check', { simple: true }),
    };
  } finally {
    db.close();
  }
}

/** A domain with `n` groups of 2–3 profiles (every third with an explicit key and an object) and a job in MERGING. */
async function fixture(n: number) {
  const dir = tempDir();
  const store = openSqliteStore(dir);
  await store.createDomain({ domainName: D, defaultExpirationDays: 1, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
  const groups: Array<{ matchId: string; profileIds: string[]; confidenceScore: number }> = [];
  let t = 1000;
  for (let g = 0; g < n; g++) {
    const ids: string[] = [];
    for (let i = 0; i < 2 + (g % 2); i++) {
      const data: ProfileData = {
        FirstName: i === 0 ? `Ann${g}` : `Anne${g}`, LastName: `Lee${g}`, EmailAddress: `a${g}@x.org`,
        ...(i === 1 ? { PhoneNumber: `+1555010${String(g).padStart(4, '0')}`, Address: { City: `C${g}` } } : {}),
      };
      const p = await store.createProfile(D, { data, source: i === 1 ? 'crm' : '_api', sourceUpdatedAt: t }, t);
      t += 1;
      if (g % 3 === 0 && i === 1) {
        await store.addProfileKey(D, p.profileId, { keyName: 'loyalty', value: `L-${g}` }, t);
        await store.putProfileObject({ domainName: D, objectTypeName: 'orders', uniqueKey: `o-${g}`, object: '{"n":1}', keys: {}, createdAt: t, profileId: p.profileId },
          { data: {}, source: 'orders' }, t);
      }
      ids.push(p.profileId);
    }
    groups.push({ matchId: `m${g}`, profileIds: ids, confidenceScore: 0.99 });
  }
  await store.createJob({ domainName: D, jobId: JOB, status: 'MERGING', jobStartTime: 1, lastUpdatedAt: 1, autoMerging: settings });
  await store.saveJobRun(D, JOB, { kind: 'ON_DEMAND' });
  await store.saveJobMatches(D, JOB, groups);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  await store.close();
  return { dir, groups };
}

function copyOf(dir: string): string {
  const out = tempDir();
  mkdirSync(out, { recursive: true });
  copyFileSync(join(dir, DB_FILE), join(out, DB_FILE));
  return out;
}

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
