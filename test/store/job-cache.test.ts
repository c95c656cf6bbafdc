/**
 * The job read cache (src/store/sqlite/job-cache.ts) is never stale for this process: writes through the same
 * connection, through another connection of the same thread and from a worker thread are all seen by the next read.
 */
import { rmSync } from 'node:fs';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import { startWorker } from '../../src/util/worker.js';
import { makeTempDir } from '../helpers/server.js';

const D = 'cache';
const J = 'c'.repeat(32);
let dir: string;
let store: SqliteStore;

beforeAll(async () => {
  dir = makeTempDir('coalesce-job-cache-');
  store = openSqliteStore(dir);
  await store.createDomain({ domainName: D, defaultExpirationDays: 1, tags: {}, createdAt: 1, lastUpdatedAt: 1 });
  await store.createJob({ domainName: D, jobId: J, status: 'PENDING', jobStartTime: 1, lastUpdatedAt: 1, jobStats: { NumberOfMatchesFound: 1 } });
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('job read cache', () => {
  it('answers repeated reads with the same (frozen) record', async () => {
    const a = await store.getJob(D, J);
    const b = await store.getJob(D, J);
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a!.jobStats)).toBe(true);
    expect(await store.getJob(D, 'd'.repeat(32))).toBeUndefined();
  });

  it('sees writes of the same connection (update, create, delete)', async () => {
    await store.getJob(D, J);
    await store.updateJob(D, J, { status: 'PREPROCESSING', lastUpdatedAt: 2 });
    expect((await store.getJob(D, J))?.status).toBe('PREPROCESSING');
    const other = 'e'.repeat(32);
    expect(await store.getJob(D, other)).toBeUndefined();
    await store.createJob({ domainName: D, jobId: other, status: 'PENDING', jobStartTime: 1, lastUpdatedAt: 1 });
    expect((await store.getJob(D, other))?.status).toBe('PENDING');
    await store.deleteJob(D, other);
    expect(await store.getJob(D, other)).toBeUndefined();
  });

  it('sees a write of another connection in the same thread', async () => {
    await store.getJob(D, J);
    const second = openSqliteStore(dir);
    await second.updateJob(D, J, { status: 'FIND_MATCHING', lastUpdatedAt: 3 });
    await second.close();
    expect((await store.getJob(D, J))?.status).toBe('FIND_MATCHING');
  });

  it('sees a write committed by a worker thread', async () => {
    expect((await store.getJob(D, J))?.status).toBe('FIND_MATCHING');
    const w = startWorker(import.meta.url, './helpers/job-writer-worker.js', { workerData: { dataDir: dir, domainName: D, jobId: J, status: 'RUNNING' } });
    const [code] = await once(w, 'exit');
    expect(code).toBe(0);
    expect((await store.getJob(D, J))?.status).toBe('RUNNING');
  });

  it('cachedJob answers synchronously, only from a cache that is still valid', async () => {
    const other = 'f'.repeat(32);
    await store.createJob({ domainName: D, jobId: other, status: 'PENDING', jobStartTime: 1, lastUpdatedAt: 1 });
    expect(store.cachedJob(D, other)).toBeUndefined(); // not read yet
    const read = await store.getJob(D, other);
    expect(store.cachedJob(D, other)).toBe(read);
    expect(store.cachedJob(D, 'a'.repeat(32))).toBeUndefined(); // no such job: ask getJob
    await store.updateJob(D, other, { status: 'PREPROCESSING', lastUpdatedAt: 2 });
    expect(store.cachedJob(D, other)).toBeUndefined(); // this connection wrote
    await store.getJob(D, other);
    const second = openSqliteStore(dir);
    await second.updateJob(D, other, { status: 'COMPLETED', lastUpdatedAt: 3 });
    await second.close();
    expect(store.cachedJob(D, other)).toBeUndefined(); // another connection committed
    expect((await store.getJob(D, other))?.status).toBe('COMPLETED');
    await store.deleteJob(D, other);
  });

  it('records returned by createJob and updateJob are the caller\'s own (not frozen)', async () => {
    const updated = await store.updateJob(D, J, { status: 'COMPLETED', lastUpdatedAt: 4 });
    expect(Object.isFrozen(updated)).toBe(false);
    expect((await store.getJob(D, J))?.status).toBe('COMPLETED');
  });
});
