/**
 * The merge transaction at the store level (real SQLite in a temp dir): what a merge keeps of every profile
 * involved (history content, merge log snapshot with data, FieldMeta, key rows and objects), groups that merge
 * nothing (no write of their own, marked with the next merge), the merge count per group, and migration 011.
 */
import Database from 'better-sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planGroup } from '../../src/jobs/planner.js';
import { walFlusher } from '../../src/jobs/wal-flusher.js';
import type { StoredProfile } from '../../src/model/profile.js';
import { openSqliteStore } from '../../src/store/index.js';
import { decodeMeta } from '../../src/store/sqlite/meta-codec.js';
import { migrations, runMigrations } from '../../src/store/sqlite/migrations/index.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import { makeTempDir } from '../helpers/server.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = makeTempDir('coalesce-merge-store-');
  dirs.push(d);
  return d;
};
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

let store: SqliteStore;
beforeAll(() => { store = openSqliteStore(tempDir()); });
afterAll(async () => { await store?.close(); });

const D = 'merges';
const JOB = 'f'.repeat(32);
const settings = {
  Enabled: true,
  Consolidation: { MatchingAttributesList: [['EmailAddress']] },
  ConflictResolution: { ConflictResolvingModel: 'RECENCY' as const },
};

async function profile(data: StoredProfile['data'], source: string, at: number): Promise<StoredProfile> {
  return store.createProfile(D, { data, source, sourceUpdatedAt: at }, at);
}

describe('a merge in the store', () => {
  beforeAll(async () => {
    await store.createDomain({ domainName: D, defaultExpirationDays: 1, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
    await store.createJob({ domainName: D, jobId: JOB, status: 'MERGING', jobStartTime: 1, lastUpdatedAt: 1, autoMerging: settings });
  });

  it('keeps the full previous content of every profile: history records and the merge log snapshot', async () => {
    const a = await profile({ FirstName: 'Ann', EmailAddress: 'ann@x.org', Address: { City: 'Oslo' }, Attributes: { tier: 'gold' } }, '_api', 1000);
    const b = await profile({ FirstName: 'Anne', LastName: 'Lee', EmailAddress: 'ANN@x.org', PhoneNumber: '+4712345678' }, 'crm', 2000);
    await store.addProfileKey(D, b.profileId, { keyName: 'loyalty', value: 'L-1' }, 2001);
    await store.putProfileObject({ domainName: D, objectTypeName: 'orders', uniqueKey: 'o-1', object: '{"n":1}', keys: {}, createdAt: 2002, profileId: b.profileId },
      { data: {}, source: 'orders' }, 2002);
    const beforeA = (await store.getProfile(D, a.profileId))!;
    const beforeB = (await store.getProfile(D, b.profileId))!;
    const keysB = await store.getProfileKeys(D, b.profileId);

    await store.saveJobMatches(D, JOB, [{ matchId: 'm1', profileIds: [a.profileId, b.profileId], confidenceScore: 0.99 }]);
    const out = await store.mergeJobGroup(D, JOB, 1, (live) => planGroup({ matchId: 'm1', profileIds: [], confidenceScore: 1 }, live, settings), 5000, 'job');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ mainProfileId: a.profileId, mergedProfileIds: [b.profileId] });

    // The main profile has the resolved fields (RECENCY: b is newer), b's explicit key and object; b is gone.
    const main = (await store.getProfile(D, a.profileId))!;
    expect(main.data).toEqual({ FirstName: 'Anne', LastName: 'Lee', EmailAddress: 'ANN@x.org', PhoneNumber: '+4712345678', Address: { City: 'Oslo' }, Attributes: { tier: 'gold' } });
    expect(main.meta.FirstName).toEqual(beforeB.meta.FirstName);
    expect(main.meta['Address.City']).toEqual(beforeA.meta['Address.City']);
    expect(await store.getProfile(D, b.profileId)).toBeUndefined();
    expect(await store.findProfileIdsByKey(D, { keyName: 'loyalty', value: 'L-1' })).toEqual([a.profileId]);
    expect((await store.listProfileObjects(D, 'orders', a.profileId, {})).items.map((o) => o.uniqueKey)).toEqual(['o-1']);

    // History: MERGED on the main, DELETED_BY_MERGE on the merged one, each with its full previous content.
    const merged = (await store.listHistory(D, a.profileId, { actionType: 'MERGED' }, {})).items;
    expect(merged).toHaveLength(1);
    expect(JSON.parse(merged[0]!.content)).toEqual({ ProfileId: a.profileId, ...beforeA.data });
    expect(merged[0]!.performedBy).toBe('job');
    const deleted = (await store.listHistory(D, b.profileId, { actionType: 'DELETED_BY_MERGE' }, {})).items;
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.content).toBe(JSON.stringify({ ProfileId: b.profileId, ...beforeB.data }));

    // Merge log: data, FieldMeta (stored form, decodable), times, key rows and object references of both profiles.
    const row = store.db.prepare('SELECT main_profile_id, merged_profile_ids, before FROM merge_log WHERE merge_id = ?').get(out[0]!.mergeId) as
      { main_profile_id: string; merged_profile_ids: string; before: string };
    expect(row.main_profile_id).toBe(a.profileId);
    expect(JSON.parse(row.merged_profile_ids)).toEqual([b.profileId]);
    const snap = JSON.parse(row.before) as Array<{ profileId: string; data: unknown; meta: unknown; createdAt: number; updatedAt: number;
      keys: Array<{ key_name: string; value: string; derived: number }>; objects: Array<{ object_type_name: string; unique_key: string }> }>;
    expect(snap.map((s) => s.profileId)).toEqual([a.profileId, b.profileId]);
    for (const [s, p] of [[snap[0]!, beforeA], [snap[1]!, beforeB]] as const) {
      expect(s.data).toEqual(p.data);
      expect(decodeMeta(JSON.stringify(s.meta), p.data)).toEqual(p.meta);
      expect([s.createdAt, s.updatedAt]).toEqual([p.createdAt, p.updatedAt]);
    }
    expect(snap[1]!.keys.map((k) => ({ keyName: k.key_name, value: k.value })).sort((x, y) => (x.keyName + x.value).localeCompare(y.keyName + y.value)))
      .toEqual([...keysB].sort((x, y) => (x.keyName + x.value).localeCompare(y.keyName + y.value)));
    expect(snap[1]!.keys.find((k) => k.key_name === 'loyalty')?.derived).toBe(0);
    expect(snap[1]!.objects).toEqual([{ object_type_name: 'orders', unique_key: 'o-1' }]);
    expect(await store.countJobMerges(D, JOB)).toBe(1);
    expect((await store.listJobMatches(D, JOB, 0, 10))[0]!.mergeState).toBe(1);
  });

  it('a group that merges nothing writes nothing; it is marked processed with the next merge or explicitly', async () => {
    const p = await Promise.all([
      profile({ EmailAddress: 'one@x.org' }, '_api', 1), profile({ EmailAddress: 'two@x.org' }, '_api', 2),
      profile({ EmailAddress: 'c@x.org' }, '_api', 3), profile({ EmailAddress: 'c@x.org' }, '_api', 4),
      profile({ EmailAddress: 'three@x.org' }, '_api', 5), profile({ EmailAddress: 'four@x.org' }, '_api', 6),
    ]);
    const job = 'e'.repeat(32);
    await store.createJob({ domainName: D, jobId: job, status: 'MERGING', jobStartTime: 1, lastUpdatedAt: 1, autoMerging: settings });
    await store.saveJobMatches(D, job, [
      { matchId: 'n1', profileIds: [p[0]!.profileId, p[1]!.profileId], confidenceScore: 1 },
      { matchId: 'y1', profileIds: [p[2]!.profileId, p[3]!.profileId], confidenceScore: 1 },
      { matchId: 'n2', profileIds: [p[4]!.profileId, p[5]!.profileId], confidenceScore: 1 },
    ]);
    const plan = (live: StoredProfile[]) => planGroup({ matchId: 'g', profileIds: [], confidenceScore: 1 }, live, settings);
    const states = async () => (await store.listJobMatches(D, job, 0, 10)).map((g) => g.mergeState);
    const walFrames = () => (store.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]!.log;

    const f0 = walFrames();
    expect(await store.mergeJobGroup(D, job, 1, plan, 10, 'job')).toEqual([]);
    expect(walFrames()).toBe(f0); // nothing was written
    expect(await states()).toEqual([0, 0, 0]);
    expect(await store.mergeJobGroup(D, job, 2, plan, 10, 'job', [1])).toHaveLength(1);
    expect(await states()).toEqual([1, 1, 0]);
    expect(await store.mergeJobGroup(D, job, 3, plan, 10, 'job')).toEqual([]);
    await store.markJobMatchesProcessed(D, job, [3]);
    expect(await states()).toEqual([1, 1, 1]);
    expect(await store.countJobMerges(D, job)).toBe(1);
    // A processed group is skipped; marking never turns a failed group into a processed one.
    expect(await store.mergeJobGroup(D, job, 2, plan, 10, 'job')).toEqual([]);
    await store.markJobMatchFailed(D, job, 3);
    await store.markJobMatchesProcessed(D, job, [3]);
    expect(await states()).toEqual([1, 1, 2]);
  });
});

describe('walFlusher', () => {
  it('saves a large result in chunks: appended with their sequence numbers, replaced by a save from 1', async () => {
    const job = 'c'.repeat(32);
    await store.createJob({ domainName: D, jobId: job, status: 'FIND_MATCHING', jobStartTime: 1, lastUpdatedAt: 1 });
    const g = (i: number) => ({ matchId: `m${i}`, profileIds: [`a${i}`, `b${i}`], confidenceScore: i / 10 });
    await store.saveJobMatches(D, job, [g(1), g(2)], 1);
    await store.saveJobMatches(D, job, [g(3)], 3);
    expect((await store.listJobMatches(D, job, 0, 10)).map((m) => [m.seq, m.matchId])).toEqual([[1, 'm1'], [2, 'm2'], [3, 'm3']]);
    await store.saveJobMatches(D, job, [g(7)]);
    expect((await store.listJobMatches(D, job, 0, 10)).map((m) => [m.seq, m.matchId])).toEqual([[1, 'm7']]);
  });

  it('syncs the WAL file in the background, one flush at a time, and tolerates a missing file', async () => {
    const dir = tempDir();
    const file = join(dir, 'x.db-wal');
    writeFileSync(file, 'frames');
    const f = walFlusher(file);
    f.flush();
    f.flush(); // in flight: ignored
    await new Promise((r) => setTimeout(r, 50));
    f.close();
    f.flush(); // closed: ignored
    const missing = walFlusher(join(dir, 'none-wal'));
    expect(() => missing.flush()).not.toThrow();
    missing.close();
    expect(readFileSync(file, 'utf8')).toBe('frames');
  });
});

describe('migration 011', () => {
  it('carries each job\'s merge count from the merge log onto its first group and drops the merge log indexes', () => {
    const db = new Database(join(tempDir(), 'm.db'));
    runMigrations(db, migrations.filter((m) => m.version <= 10));
    db.exec(`INSERT INTO domains (domain_name, record, created_at, last_updated_at) VALUES ('d', '{}', 1, 1);
      INSERT INTO jobs (domain_name, job_id, status, job_start_time, last_updated_at) VALUES ('d', 'j1', 'MERGING', 1, 1), ('d', 'j2', 'COMPLETED', 1, 1);
      INSERT INTO job_matches (domain_name, job_id, seq, match_id, profile_ids, confidence_score, merge_state)
        VALUES ('d', 'j1', 1, 'a', '[]', 1, 1), ('d', 'j1', 2, 'b', '[]', 1, 1), ('d', 'j1', 3, 'c', '[]', 1, 0), ('d', 'j2', 1, 'a', '[]', 1, 1);
      INSERT INTO merge_log (domain_name, merge_id, job_id, main_profile_id, merged_profile_ids, before, created_at)
        VALUES ('d', 'x1', 'j1', 'p', '[]', '[]', 1), ('d', 'x2', 'j1', 'p', '[]', '[]', 1), ('d', 'x3', 'j2', 'p', '[]', '[]', 1), ('d', 'x4', NULL, 'p', '[]', '[]', 1);`);
    runMigrations(db);
    const sums = db.prepare('SELECT job_id, sum(merges) AS n FROM job_matches GROUP BY job_id ORDER BY job_id').all();
    expect(sums).toEqual([{ job_id: 'j1', n: 2 }, { job_id: 'j2', n: 1 }]);
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'merge_log'").all() as Array<{ name: string }>).map((r) => r.name);
    expect(indexes).toEqual([]);
    db.close();
  });
});
