/**
 * The predefined-key backlog of bulk imports (src/store/sqlite/key-backlog.ts, migration 021): a data dir made before
 * the migration is upgraded, and a backlog that an interrupted import left is indexed by the next write worker and
 * at server start (UploadService.recover), with no import running.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { UploadService } from '../../src/ingest/upload-service.js';
import { WorkerSink } from '../../src/ingest/worker-sink.js';
import { DB_FILE, openStore, type Repository } from '../../src/store/index.js';
import { appliedVersions, migrations, runMigrations } from '../../src/store/sqlite/migrations/index.js';
import { prepareNewProfile } from '../../src/store/sqlite/uploads.js';
import { makeTempDir } from '../helpers/server.js';

const NOW = 1_700_000_000_000;

/** A batch written with deferred keys and never indexed, as a killed import leaves it. */
async function leaveBacklog(store: Repository, domainName: string, emails: string[]) {
  await store.bulkUpsertProfiles(domainName, emails.map((e, i) => ({ prepared: prepareNewProfile({ FirstName: `N${i}`, EmailAddress: e }, 's', NOW), uniqueKey: e })),
    { source: 's', keyName: 'id', deferKeys: true }, NOW);
}

async function until(cond: () => Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('key backlog', () => {
  it('upgrades a data dir created before migration 021; the next write worker indexes a backlog left behind', async () => {
    const dir = makeTempDir('coalesce-backlog-');
    const old = new Database(join(dir, DB_FILE));
    runMigrations(old, migrations.filter((m) => m.version < 21));
    old.close();
    const store = await openStore(dir);
    try {
      await store.createDomain({ domainName: 'd', defaultExpirationDays: 366, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
      const db = new Database(join(dir, DB_FILE), { readonly: true });
      expect(appliedVersions(db)).toContain(21);
      db.close();
      await leaveBacklog(store, 'd', ['a@x.org', 'b@x.org']);
      expect(await store.findProfileIdsByKey('d', { keyName: '_email', value: 'a@x.org' })).toEqual([]);
      // A new import's write worker indexes what is left before writing anything.
      const sink = new WorkerSink(dir, 'd', { source: 's' });
      await sink.indexKeys();
      await sink.close();
      expect(await store.hasKeyBacklog()).toBe(false);
      const [a] = await store.findProfileIdsByKey('d', { keyName: 'id', value: 'a@x.org' });
      expect(await store.findProfileIdsByKey('d', { keyName: '_email', value: 'a@x.org' })).toEqual([a]);
      expect(await store.findProfileIdsByKey('d', { keyName: '_fullName', value: 'N1' })).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('a server start (UploadService.recover) indexes a backlog even when no upload job resumes', async () => {
    const dir = makeTempDir('coalesce-backlog-');
    const store = await openStore(dir);
    try {
      await store.createDomain({ domainName: 'e', defaultExpirationDays: 366, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
      await leaveBacklog(store, 'e', ['c@x.org']);
      const service = new UploadService({ store, dataDir: dir, log: pino({ level: 'silent' }), baseUrl: () => 'http://localhost' });
      await service.recover();
      await until(async () => !(await store.hasKeyBacklog()));
      await service.shutdown(); // waits for that worker to finish
      expect(await store.findProfileIdsByKey('e', { keyName: '_email', value: 'c@x.org' })).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
