/**
 * Data dirs with a job left in MERGING, copies of them, and dumps of every table a merge writes — shared by the
 * MERGING tests that compare two ways of merging the same groups table by table.
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AutoMerging } from '../../src/api/generated/types.js';
import type { ProfileData } from '../../src/model/profile.js';
import { DB_FILE, openSqliteStore } from '../../src/store/index.js';

export interface MergingFixtureOptions {
  dir: string;
  domainName: string;
  jobId: string;
  settings: AutoMerging;
  /** Groups of 2 (even g) or 3 (odd g) profiles. */
  groups: number;
  /** Every `keyEvery`-th group's second profile gets an explicit key and an object to move. */
  keyEvery: number;
  /** The third member of odd groups matches nobody (other name and email), and every profile has `Attributes.n`. */
  strangers?: boolean;
}

export type FixtureGroup = { matchId: string; profileIds: string[]; confidenceScore: number };

/** Fills `dir` with a domain, the groups' profiles and a job in MERGING holding the groups (WAL checkpointed). */
export async function mergingFixture(o: MergingFixtureOptions): Promise<FixtureGroup[]> {
  const D = o.domainName;
  const store = openSqliteStore(o.dir);
  await store.createDomain({ domainName: D, defaultExpirationDays: 1, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
  const groups: FixtureGroup[] = [];
  let t = 1000;
  for (let g = 0; g < o.groups; g++) {
    const ids: string[] = [];
    for (let i = 0; i < 2 + (g % 2); i++) {
      const stranger = o.strangers === true && i === 2;
      const data: ProfileData = {
        FirstName: stranger ? `Zed${g}` : i === 0 ? `Ann${g}` : `Anne${g}`,
        LastName: `Lee${g}`,
        EmailAddress: stranger ? `z${g}@y.org` : `a${g}@x.org`,
        ...(i === 1 ? { PhoneNumber: `+1555010${String(g).padStart(4, '0')}`, Address: { City: `C${g}` } } : {}),
        ...(o.strangers ? { Attributes: { n: String(i) } } : {}),
      };
      const p = await store.createProfile(D, { data, source: i === 1 ? 'crm' : '_api', sourceUpdatedAt: t }, t);
      t += 1;
      if (g % o.keyEvery === 0 && i === 1) {
        await store.addProfileKey(D, p.profileId, { keyName: 'loyalty', value: `L-${g}` }, t);
        await store.putProfileObject({ domainName: D, objectTypeName: 'orders', uniqueKey: `o-${g}`, object: '{"n":1}', keys: {}, createdAt: t, profileId: p.profileId },
          { data: {}, source: 'orders' }, t);
      }
      ids.push(p.profileId);
    }
    groups.push({ matchId: `m${g}`, profileIds: ids, confidenceScore: 0.99 });
  }
  await store.createJob({ domainName: D, jobId: o.jobId, status: 'MERGING', jobStartTime: 1, lastUpdatedAt: 1, autoMerging: o.settings });
  await store.saveJobRun(D, o.jobId, { kind: 'ON_DEMAND' });
  await store.saveJobMatches(D, o.jobId, groups);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  await store.close();
  return groups;
}

/** A copy of a (checkpointed, closed) data dir's database in the new dir `out`. */
export function copyDataDir(dir: string, out: string): string {
  mkdirSync(out, { recursive: true });
  copyFileSync(join(dir, DB_FILE), join(out, DB_FILE));
  return out;
}

/**
 * Every table a merge writes, without the random ids (history id, merge id) and the autoincrement counters.
 * `byProfile`: history and merge log per profile in order (API writes racing with a job interleave with the merges'
 * records); else in write order. `integrity`: also `PRAGMA integrity_check`.
 */
export function dumpMergeTables(dir: string, opts: { byProfile?: boolean; integrity?: boolean } = {}) {
  const db = new Database(join(dir, DB_FILE), { readonly: true });
  try {
    const q = (sql: string) => db.prepare(sql).all();
    return {
      profiles: q('SELECT profile_id, data, meta, created_at, updated_at FROM profiles ORDER BY profile_id'),
      keys: q('SELECT key_name, value, profile_id, derived FROM profile_keys ORDER BY 1, 2, 3, 4'),
      objects: q('SELECT object_type_name, unique_key, profile_id FROM profile_objects ORDER BY 1, 2'),
      history: q(`SELECT profile_id, object_type_name, action_type, created_at, performed_by, content FROM history
        ORDER BY ${opts.byProfile ? 'profile_id, seq' : 'seq'}`),
      mergeLog: q(`SELECT job_id, main_profile_id, merged_profile_ids, before, created_at FROM merge_log
        ORDER BY ${opts.byProfile ? 'main_profile_id, seq' : 'seq'}`),
      mergedInto: q('SELECT profile_id, main_profile_id, merged_at FROM merged_into ORDER BY 1'),
      matches: q('SELECT seq, merge_state, merges FROM job_matches ORDER BY seq'),
      stats: q('SELECT profile_count, object_count, total_size FROM domain_stats'),
      ...(opts.integrity ? { integrity: db.pragma('integrity_check', { simple: true }) } : {}),
    };
  } finally {
    db.close();
  }
}
