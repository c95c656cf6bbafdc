/**
 * Planning ahead (docs/jobs.md, "Planning ahead"): groups prepared from one connection (as the planner thread does)
 * and applied on another, with API writes in between. A prepared group whose profiles changed is planned again
 * from the live profiles; the outcome must equal planning inside the merge (the inline path) in every table, and
 * a job run with the real planner thread must equal a job run without it.
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AutoMerging } from '../../src/api/generated/types.js';
import { DEFAULT_JOBS_CONFIG } from '../../src/jobs/config.js';
import { mergePlannerThread, type StartMergePlanner } from '../../src/jobs/merge-planner.js';
import { planGroup } from '../../src/jobs/planner.js';
import { runJob } from '../../src/jobs/runner.js';
import { startWalCheckpointer } from '../../src/jobs/wal-checkpointer.js';
import { localSink } from '../../src/jobs/sinks.js';
import { DB_FILE, openSqliteStore } from '../../src/store/index.js';
import type { StoredMatchGroup } from '../../src/store/jobs-results.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import { copyDataDir, dumpMergeTables, mergingFixture } from '../helpers/merge-fixture.js';
import { makeTempDir } from '../helpers/server.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = makeTempDir('coalesce-merge-ahead-');
  dirs.push(d);
  return d;
};
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const D = 'ahead';
const JOB = 'e'.repeat(32);
const settings: AutoMerging = {
  Enabled: true,
  Consolidation: { MatchingAttributesList: [['EmailAddress'], ['FirstName', 'LastName']] },
  ConflictResolution: { ConflictResolvingModel: 'RECENCY' },
};
const NOW = 9_000_000;

const dump = (dir: string) => dumpMergeTables(dir, { byProfile: true });

/**
 * A data dir with a domain, `n` groups of 2–3 profiles (every fifth with a key and an object; member 2 of odd groups
 * matches nobody, so it takes part in no merge) and a job left in MERGING.
 */
async function fixture(n: number) {
  const dir = tempDir();
  await mergingFixture({ dir, domainName: D, jobId: JOB, settings, groups: n, keyEvery: 5, strangers: true });
  return dir;
}

const copyOf = (dir: string) => copyDataDir(dir, tempDir());

async function groupsOf(store: SqliteStore): Promise<StoredMatchGroup[]> {
  return store.listJobMatches(D, JOB, 0, 10_000);
}

const planOf = (g: StoredMatchGroup) => (live: Parameters<typeof planGroup>[1]) => planGroup(g, live, settings);

/**
 * Prepares `group` on a second connection, runs `between` (API writes) on the writer's connection, then applies
 * the prepared group; the same writes then an inline merge on a copy give the expected tables.
 */
async function race(base: string, seq: number, between: (s: SqliteStore, g: StoredMatchGroup) => Promise<void>) {
  const a = copyOf(base);
  const b = copyOf(base);
  const writer = openSqliteStore(a);
  const planner = openSqliteStore(a);
  const g = (await groupsOf(writer)).find((x) => x.seq === seq)!;
  const [prep] = await planner.prepareJobGroups(D, [g], (gg, live) => planGroup(g, live, settings));
  await planner.close();
  await between(writer, g);
  await writer.beginMergeBatch();
  const r = await writer.mergePreparedJobGroup(D, JOB, prep!, planOf(g), NOW, 'job');
  await writer.commitMergeBatch(D, JOB, [], {});
  await writer.close();

  const inline = openSqliteStore(b);
  await between(inline, g);
  await inline.beginMergeBatch();
  const merges = await inline.mergeJobGroup(D, JOB, seq, planOf(g), NOW, 'job');
  await inline.commitMergeBatch(D, JOB, [], {});
  await inline.close();
  return { r, prep: prep!, merges, got: dump(a), want: dump(b) };
}

describe('planning ahead: a prepared group applied after API writes', () => {
  let base: string;
  it('applies an unchanged prepared group as it was planned, equal to planning inside the merge', async () => {
    base = await fixture(6);
    const { r, got, want, prep } = await race(base, 2, async () => {});
    expect(r.replanned).toBe(false);
    expect(prep.merges).toHaveLength(1);
    expect(prep.merges[0]!.mergedProfileIds).toHaveLength(1); // member 2 of group 2 merges with nobody
    expect(r.merges).toHaveLength(1);
    expect(got).toEqual(want);
  });

  it('plans again when a merged profile was updated in between: the update is merged and kept in history', async () => {
    const { r, got, want } = await race(base, 1, async (s, g) => {
      await s.updateProfile(D, g.profileIds[1]!, { data: { FirstName: 'Changed', BirthDate: '1990-01-01' }, source: '_api', sourceUpdatedAt: 5_000_000 }, 5_000_000);
    });
    expect(r.replanned).toBe(true);
    expect(got).toEqual(want);
    const main = (got.profiles as Array<{ data: string }>).map((p) => JSON.parse(p.data)).find((d) => d.BirthDate === '1990-01-01');
    expect(main?.FirstName).toBe('Changed');
    const deleted = (got.history as Array<{ action_type: string; content: string }>).filter((h) => h.action_type === 'DELETED_BY_MERGE');
    expect(deleted.some((h) => h.content.includes('"FirstName":"Changed"'))).toBe(true);
  });

  it('plans again when a profile that took part in no merge now matches', async () => {
    const { r, got, want, prep } = await race(base, 2, async (s, g) => {
      await s.updateProfile(D, g.profileIds[2]!, { data: { EmailAddress: 'A1@X.org' }, source: '_api', sourceUpdatedAt: 5_000_000 }, 5_000_000);
    });
    expect(prep.merges[0]!.mergedProfileIds).toHaveLength(1);
    expect(r.replanned).toBe(true);
    expect(r.merges[0]!.mergedProfileIds).toHaveLength(2);
    expect(got).toEqual(want);
  });

  it('plans again when a profile of the group was deleted in between', async () => {
    // Group 3 has two profiles: without one of them nothing merges.
    const one = await race(base, 3, async (s, g) => { await s.deleteProfile(D, g.profileIds[0]!, 4_000_000); });
    expect(one.r.replanned).toBe(true);
    expect(one.r.merges).toHaveLength(0);
    expect(one.got).toEqual(one.want);
    // Group 4's third profile took part in no merge: its deletion also counts as a change.
    const two = await race(base, 4, async (s, g) => { await s.deleteProfile(D, g.profileIds[2]!, 4_000_000); });
    expect(two.r.replanned).toBe(true);
    expect(two.r.merges).toHaveLength(1);
    expect(two.got).toEqual(two.want);
  });

  it('moves keys and objects attached after planning (they are read in the merge), without planning again', async () => {
    const { r, got, want } = await race(base, 4, async (s, g) => {
      await s.addProfileKey(D, g.profileIds[1]!, { keyName: 'late', value: 'K-4' }, 4_000_000);
    });
    expect(r.replanned).toBe(false);
    expect(got).toEqual(want);
    const main = r.merges[0]!.mainProfileId;
    expect((got.keys as Array<{ key_name: string; profile_id: string }>).some((k) => k.key_name === 'late' && k.profile_id === main)).toBe(true);
    expect((got.mergeLog as Array<{ before: string }>)[0]!.before).toContain('"key_name":"late"');
  });

  it('skips a prepared group that was processed meanwhile', async () => {
    const dir = copyOf(base);
    const s = openSqliteStore(dir);
    const g = (await groupsOf(s)).find((x) => x.seq === 1)!;
    const [prep] = await s.prepareJobGroups(D, [g], (gg, live) => planGroup(g, live, settings));
    expect(await s.mergeJobGroup(D, JOB, 1, planOf(g), NOW, 'job')).toHaveLength(1);
    const r = await s.mergePreparedJobGroup(D, JOB, prep!, planOf(g), NOW, 'job');
    expect(r.merges).toEqual([]);
    await s.close();
    expect((dump(dir).mergeLog as unknown[]).length).toBe(1);
  });
});

describe('a job with the planner thread', () => {
  async function run(dir: string, startMergePlanner?: StartMergePlanner, mergeCommitEvery = 7, checkpoints?: { restarts: number }) {
    const store = openSqliteStore(dir);
    const logs: string[] = [];
    const job = await runJob(store, {
      domainName: D, jobId: JOB, mode: 'resume', now: () => NOW, sink: localSink(dir), log: (m) => logs.push(m),
      // walCheckpointPages 1,600: a restarting checkpoint every 100 merges
      config: { ...DEFAULT_JOBS_CONFIG, inline: true, mergePlannerMinGroups: 0, mergeCommitEvery, walCheckpointPages: 1600 },
      ...(startMergePlanner ? { startMergePlanner } : {}),
      ...(checkpoints ? {
        startWalCheckpointer: () => startWalCheckpointer(dir),
        restartWal: () => { checkpoints.restarts++; store.db.pragma('wal_checkpoint(RESTART)'); },
      } : {}),
    });
    await store.close();
    return { job, logs };
  }

  it('with background and restarting checkpoints between batches: the same tables', async () => {
    const base = await fixture(260);
    const inline = copyOf(base);
    const ahead = copyOf(base);
    const a = await run(inline);
    const counted = { restarts: 0 };
    const b = await run(ahead, mergePlannerThread({ dataDir: ahead, domainName: D, waitForPlans: true }), 7, counted);
    expect(counted.restarts).toBeGreaterThanOrEqual(1);
    expect(b.job?.status).toBe('COMPLETED');
    expect(b.job?.jobStats).toEqual(a.job?.jobStats);
    expect(dump(ahead)).toEqual(dump(inline));
    const db = new Database(join(ahead, DB_FILE), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('gives the same tables as planning inside each merge, also when API writes race with it', async () => {
    const base = await fixture(40);
    const inline = copyOf(base);
    const ahead = copyOf(base);
    const a = await run(inline);
    const b = await run(ahead, mergePlannerThread({ dataDir: ahead, domainName: D, waitForPlans: true }));
    expect(b.logs.join('\n')).toMatch(/40 group\(s\) sent to the planner thread, 0 of them planned by the writer \(plan not ready\), 0 planned again/);
    expect(b.job?.status).toBe('COMPLETED');
    expect(b.job?.jobStats).toEqual(a.job?.jobStats);
    expect(a.job?.jobStats?.NumberOfMergesDone).toBe(40);
    expect(dump(ahead)).toEqual(dump(inline));

    // Writes between planning and applying: through a second connection (as the API's), after the thread planned
    // group 11 and before the writer applies it. Expected: the same writes first, then a run without planning ahead.
    // One commit per merge here, so that the writes do not wait for an open batch (the service's writers make
    // the writer commit its batch: COALESCE_MERGE_COMMIT_EVERY's docs).
    const raced = copyOf(base);
    const expected = copyOf(base);
    const api = openSqliteStore(raced);
    const g11 = (await groupsOf(api)).find((g) => g.seq === 11)!;
    const g12 = (await groupsOf(api)).find((g) => g.seq === 12)!;
    const write = async (s: SqliteStore) => {
      await s.updateProfile(D, g11.profileIds[1]!, { data: { LastName: 'Raced' }, source: '_api', sourceUpdatedAt: 8_000_000 }, 8_000_000);
      await s.updateProfile(D, g12.profileIds[0]!, { data: { MiddleName: 'Q' }, source: '_api', sourceUpdatedAt: 8_000_000 }, 8_000_000);
    };
    const thread = mergePlannerThread({ dataDir: raced, domainName: D, waitForPlans: true });
    const racing: StartMergePlanner = (s, groups) => {
      const src = thread(s, groups);
      return {
        async get(i) {
          const prep = await src.get(i);
          if (groups[i]!.seq === 11) await write(api);
          return prep;
        },
        get notReady() { return src.notReady; },
        close: () => src.close(),
      };
    };
    const c = await run(raced, racing, 1);
    await api.close();
    const exp = openSqliteStore(expected);
    await write(exp);
    await exp.close();
    const d = await run(expected, undefined, 1);
    expect(c.logs.join('\n')).toMatch(/planned again/);
    expect(c.logs.join('\n')).toMatch(/, 2 planned again/);
    expect(c.job?.jobStats).toEqual(d.job?.jobStats);
    const got = dump(raced);
    const want = dump(expected);
    expect(got).toEqual(want);
    expect(JSON.stringify(got.profiles)).toContain('Raced');
  });
});
