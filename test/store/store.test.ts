import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsError } from '../../src/errors.js';
import { openSqliteStore } from '../../src/store/index.js';
import { applyProfileWrite } from '../../src/store/profile-write.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import { appliedVersions, migrations, runMigrations } from '../../src/store/sqlite/migrations/index.js';
import { createProfile } from '../../src/store/sqlite/profiles.js';
import { markDomainDeleting } from '../../src/store/sqlite/domains.js';
import { makeTempDir } from '../helpers/server.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = makeTempDir('coalesce-store-');
  dirs.push(d);
  return d;
};
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

let store: SqliteStore;
const D = 'unit';
beforeAll(async () => {
  store = openSqliteStore(tempDir());
  await store.createDomain({ domainName: D, defaultExpirationDays: 1, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
});
afterAll(async () => { await store?.close(); });

describe('migrations', () => {
  it('applies every migration once, in order, and records it', () => {
    const db = new Database(join(tempDir(), 'm.db'));
    const first = runMigrations(db);
    expect(first).toEqual([...migrations].map((m) => m.version).sort((a, b) => a - b));
    expect(runMigrations(db)).toEqual([]);
    expect(appliedVersions(db)).toEqual(first);
    db.close();
  });

  it('a failing migration leaves nothing behind and later ones are not applied', () => {
    const db = new Database(join(tempDir(), 'f.db'));
    const list = [
      { version: 1, name: 'ok', sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 2, name: 'broken', sql: 'CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);' },
      { version: 3, name: 'after', sql: 'CREATE TABLE c (x INTEGER);' },
    ];
    expect(() => runMigrations(db, list)).toThrow(/nowhere/);
    expect(appliedVersions(db)).toEqual([1]);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toContain('a');
    expect(tables).not.toContain('b');
    expect(tables).not.toContain('c');
    // Fixed migration applies on the next start.
    list[1].sql = 'CREATE TABLE b (x INTEGER);';
    expect(runMigrations(db, list)).toEqual([2, 3]);
    db.close();
  });

  it('rejects duplicate versions', () => {
    const db = new Database(':memory:');
    expect(() => runMigrations(db, [{ version: 1, name: 'a', sql: '' }, { version: 1, name: 'b', sql: '' }])).toThrow(/Duplicate/);
    db.close();
  });

  it('opens with WAL, foreign keys and a busy timeout; reopening the same dir is idempotent', async () => {
    const dir = tempDir();
    const s1 = openSqliteStore(dir);
    const s2 = openSqliteStore(dir);
    expect(s1.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s1.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(s1.db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    expect(s1.db.pragma('synchronous', { simple: true })).toBe(1);
    await s1.close();
    await s2.close();
  });
});

describe('transactions', () => {
  it('a failure inside a composed transaction leaves nothing', async () => {
    const before = await store.getDomainStats(D);
    expect(() => store.context.tx(() => {
      createProfile(store.context, D, { data: { FirstName: 'Ghost' }, source: '_api' }, 10);
      throw new Error('boom');
    })).toThrow('boom');
    expect(await store.getDomainStats(D)).toEqual(before);
    expect(await store.findProfileIdsByKey(D, { keyName: '_fullName', value: 'Ghost' })).toEqual([]);
    expect(store.db.prepare("SELECT COUNT(*) AS n FROM history WHERE content LIKE '%Ghost%'").get()).toEqual({ n: 0 });
  });

  it('a failing PutProfileObject writes no profile, object, key or history', async () => {
    const before = await store.getDomainStats(D);
    const historyBefore = store.db.prepare('SELECT COUNT(*) AS n FROM history').get();
    await expect(store.putProfileObject(
      { domainName: D, objectTypeName: 't', uniqueKey: 'u1', object: '{}', keys: {}, createdAt: 1 },
      { data: { FirstName: 'Nobody' }, source: 't' }, 5,
      { lookup: [[{ keyName: 'k', value: 'v' }]], allowCreate: false, persistKeys: [{ keyName: 'k', value: 'v' }] },
    )).rejects.toBeInstanceOf(AwsError);
    await expect(store.putProfileObject(
      { domainName: D, objectTypeName: 't', uniqueKey: 'u2', object: '{}', keys: {}, createdAt: 1, profileId: 'f'.repeat(32) },
      { data: { FirstName: 'Nobody' }, source: 't' }, 5,
    )).rejects.toBeInstanceOf(AwsError);
    expect(await store.getDomainStats(D)).toEqual(before);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM history').get()).toEqual(historyBefore);
    expect(await store.findProfileIdsByKey(D, { keyName: 'k', value: 'v' })).toEqual([]);
  });

  it('a write to an unknown domain fails on the foreign key (ResourceNotFoundException) and leaves nothing', async () => {
    const e = await store.createProfile('no-domain', { data: { FirstName: 'X' }, source: '_api' }, 1).catch((x) => x);
    expect(e).toBeInstanceOf(AwsError);
    expect(e.code).toBe('ResourceNotFoundException');
    expect(store.db.prepare("SELECT COUNT(*) AS n FROM profile_keys WHERE domain_name = 'no-domain'").get()).toEqual({ n: 0 });
  });

  it('a write blocked by another writer past the busy timeout answers ThrottlingException', async () => {
    const dir = tempDir();
    const s = openSqliteStore(dir);
    await s.createDomain({ domainName: 'busy', defaultExpirationDays: 1, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
    s.db.pragma('busy_timeout = 50');
    const other = new Database(join(dir, 'coalesce.db'));
    other.exec('BEGIN IMMEDIATE');
    try {
      const e = await s.createProfile('busy', { data: { FirstName: 'Blocked' }, source: '_api' }, 1).catch((x) => x);
      expect(e).toBeInstanceOf(AwsError);
      expect(e.code).toBe('ThrottlingException');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await s.getDomainStats('busy')).profileCount).toBe(0);
    await s.close();
  });

  it('deleting a profile key that is not there changes nothing', async () => {
    const p = await store.createProfile(D, { data: { FirstName: 'Keyed' }, source: '_api' }, 1);
    const h = (await store.listHistory(D, p.profileId, {}, {})).items.length;
    await expect(store.deleteProfileKey(D, p.profileId, { keyName: 'x', value: 'y' }, 2)).rejects.toBeInstanceOf(AwsError);
    expect((await store.listHistory(D, p.profileId, {}, {})).items.length).toBe(h);
  });
});

describe('profiles in the store', () => {
  it('keeps domain stats in step with writes (triggers)', async () => {
    const d = 'stats';
    await store.createDomain({ domainName: d, defaultExpirationDays: 1, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
    const p1 = await store.createProfile(d, { data: { FirstName: 'A' }, source: '_api' }, 1);
    const p2 = await store.createProfile(d, { data: { FirstName: 'B', LastName: 'C' }, source: '_api' }, 1);
    await store.putProfileObject({ domainName: d, objectTypeName: 't', uniqueKey: 'o1', object: '{"a":1}', keys: {}, createdAt: 1, profileId: p1.profileId },
      { data: {}, source: 't' }, 2);
    let s = await store.getDomainStats(d);
    expect(s).toMatchObject({ profileCount: 2, meteringProfileCount: 2, objectCount: 1 });
    const size = JSON.stringify(p1.data).length + JSON.stringify(p2.data).length + '{"a":1}'.length;
    expect(s.totalSize).toBe(size);
    await store.deleteProfile(d, p1.profileId, 3);
    s = await store.getDomainStats(d);
    expect(s).toMatchObject({ profileCount: 1, objectCount: 0, totalSize: JSON.stringify(p2.data).length });
  });

  it('scans a domain in profileId order, in batches', async () => {
    const d = 'scan';
    await store.createDomain({ domainName: d, defaultExpirationDays: 1, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push((await store.createProfile(d, { data: { FirstName: `N${i}` }, source: '_api' }, i)).profileId);
    const batches: number[] = [];
    const seen: string[] = [];
    for await (const b of store.scanProfiles(d, 10)) {
      batches.push(b.length);
      seen.push(...b.map((p) => p.profileId));
    }
    expect(batches).toEqual([10, 10, 5]);
    expect(seen).toEqual([...ids].sort());
    // Scanned profiles carry the same content and (lazily parsed) provenance as getProfile.
    const [first] = (await store.scanProfiles(d, 1)[Symbol.asyncIterator]().next()).value as import('../../src/model/profile.js').StoredProfile[];
    const direct = (await store.getProfile(d, first.profileId))!;
    expect(first.data).toEqual(direct.data);
    expect(first.meta).toEqual(direct.meta);
    expect(JSON.parse(JSON.stringify(first))).toEqual(direct);
  });

  it('page tokens are bound to their scope and to the data dir', async () => {
    const token = store.tokens.encode('jobs:a', { t: 1 });
    expect(store.tokens.decode('jobs:a', token)).toEqual({ t: 1 });
    expect(() => store.tokens.decode('jobs:b', token)).toThrow(AwsError);
    const other = openSqliteStore(tempDir());
    expect(() => other.tokens.decode('jobs:a', token)).toThrow(/NextToken/);
    await other.close();
  });
});

describe('applyProfileWrite', () => {
  it('merges paths, removes paths and stamps provenance', () => {
    const s0 = applyProfileWrite(undefined, { data: { FirstName: 'A', Address: { City: 'X', Country: 'Y' }, Attributes: { k: '1' } }, source: 'crm', sourceUpdatedAt: 100 }, 500);
    expect(s0.meta['Address.City']).toEqual({ updatedAt: 100, ingestedAt: 500, source: 'crm' });
    const s1 = applyProfileWrite(s0, { data: { LastName: 'B', Address: { City: 'Z' } }, removed: ['Address.Country', 'Attributes.k'], source: '_api' }, 600);
    expect(s1.data).toEqual({ FirstName: 'A', LastName: 'B', Address: { City: 'Z' } });
    const api = { updatedAt: 600, ingestedAt: 600, source: '_api' };
    expect(s1.meta).toEqual({ FirstName: { updatedAt: 100, ingestedAt: 500, source: 'crm' }, LastName: api, 'Address.City': api });
  });

  it('does not let an older source time overwrite a newer value', () => {
    const s0 = applyProfileWrite(undefined, { data: { FirstName: 'New' }, source: 'a', sourceUpdatedAt: 200 }, 300);
    const s1 = applyProfileWrite(s0, { data: { FirstName: 'Old', LastName: 'L' }, source: 'b', sourceUpdatedAt: 100 }, 400);
    expect(s1.data).toEqual({ FirstName: 'New', LastName: 'L' });
    expect(s1.meta.FirstName.source).toBe('a');
    expect(s1.meta.LastName).toEqual({ updatedAt: 100, ingestedAt: 400, source: 'b' });
  });

  it('replaces EngagementPreferences as a whole', () => {
    const prefs = { Phone: [{ KeyName: 'k', KeyValue: 'v', ContactType: 'PhoneNumber' as const }] };
    const s0 = applyProfileWrite(undefined, { data: { EngagementPreferences: prefs }, source: '_api' }, 1);
    expect(s0.data.EngagementPreferences).toEqual(prefs);
    expect(s0.meta.EngagementPreferences.source).toBe('_api');
    const s1 = applyProfileWrite(s0, { data: { FirstName: 'F' }, source: '_api' }, 2);
    expect(s1.data.EngagementPreferences).toEqual(prefs);
  });
});

describe('domain deletion', () => {
  const fill = (s: SqliteStore, d: string, n: number) => s.context.tx(() => {
    for (let i = 0; i < n; i++) {
      const p = createProfile(s.context, d, { data: { FirstName: `P${i}`, EmailAddress: `p${i}@x.com` }, source: '_api' }, i);
      s.context.db.prepare(`INSERT INTO profile_objects (domain_name, object_type_name, unique_key, profile_id, object, keys, created_at)
        VALUES (?, 't', ?, ?, '{}', '{}', 1)`).run(d, `u${i}`, p.profileId);
    }
  });
  const left = (s: SqliteStore, d: string) => Object.fromEntries(
    ['profiles', 'profile_keys', 'profile_objects', 'history', 'domains', 'domain_stats', 'jobs'].map((tbl) =>
      [tbl, (s.db.prepare(`SELECT COUNT(*) AS n FROM ${tbl} WHERE domain_name = ?`).get(d) as { n: number }).n]));
  const none = { profiles: 0, profile_keys: 0, profile_objects: 0, history: 0, domains: 0, domain_stats: 0, jobs: 0 };

  it('hides the domain at once, deletes in short transactions and removes everything', async () => {
    const d = 'big';
    await store.createDomain({ domainName: d, defaultExpirationDays: 1, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
    fill(store, d, 2500);
    await store.createJob({ domainName: d, jobId: 'e'.repeat(32), status: 'COMPLETED', jobStartTime: 1, lastUpdatedAt: 1 });
    const deleting = store.deleteDomain(d);
    // Between two chunks: invisible, not re-creatable yet, content partly there.
    expect(await store.getDomain(d)).toBeUndefined();
    expect((await store.listDomains({})).items.map((x) => x.domainName)).not.toContain(d);
    await expect(store.getDomainStats(d)).rejects.toBeInstanceOf(AwsError);
    const e = await store.createDomain({ domainName: d, defaultExpirationDays: 1, tags: {}, createdAt: 2, lastUpdatedAt: 2 }).catch((x) => x);
    expect(e.message).toContain('still being deleted');
    expect(left(store, d).profiles).toBeGreaterThan(0);
    await deleting;
    expect(left(store, d)).toEqual(none);
    await store.createDomain({ domainName: d, defaultExpirationDays: 1, tags: {}, createdAt: 3, lastUpdatedAt: 3 });
    expect((await store.getDomainStats(d)).profileCount).toBe(0);
  });

  it('resumes a deletion interrupted by a stop when the store opens again', async () => {
    const dir = tempDir();
    const s1 = openSqliteStore(dir);
    await s1.createDomain({ domainName: 'half', defaultExpirationDays: 1, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
    fill(s1, 'half', 1000);
    markDomainDeleting(s1.context, 'half');
    await s1.close();
    const s2 = openSqliteStore(dir);
    expect(await s2.getDomain('half')).toBeUndefined();
    for (let i = 0; i < 200 && left(s2, 'half').domains > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(left(s2, 'half')).toEqual(none);
    await s2.close();
  });
});
