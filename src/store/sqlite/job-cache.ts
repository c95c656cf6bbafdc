/**
 * A read cache of job rows per connection, for GetIdentityResolutionJob (clients poll it; a SQLite read transaction
 * costs two fcntl lock calls plus the row's JSON decoding on every poll).
 *
 * Never stale for this process: the whole cache is dropped when
 *  - this connection changed anything since it was filled (SQLite's total_changes(), checked on every read, so any
 *    write of this connection counts: job updates, merges, domain deletions' cascades…), or
 *  - another connection of the process (a job worker thread…) committed a write (the shared version of
 *    ../write-version.ts, bumped right after such commits).
 * Inside an open transaction the cache is bypassed (the transaction may see its own uncommitted rows), and so it is in
 * worker threads (a job's worker reads its job once; the API's polls are on the main thread).
 * Writers in other processes are not seen: job rows are written only by the server process (docs/store.md).
 * Cached records are frozen: callers share them and must not modify them.
 */
import { isMainThread } from 'node:worker_threads';
import type { Statement } from 'better-sqlite3';
import type { JobRecord } from '../repository.js';
import { storeWriteVersion } from '../write-version.js';
import type { SqliteContext } from './database.js';

type Loader = (c: SqliteContext, domainName: string, jobId: string) => JobRecord | undefined;

/** Bounds memory (ids of missing jobs are cached too): the cache starts over beyond this many entries. */
const MAX_ENTRIES = 10_000;

class JobReadCache {
  private readonly rows = new Map<string, JobRecord | undefined>();
  private readonly totalChanges: Statement;
  private version = -1;
  private changes = -1;

  constructor(private readonly c: SqliteContext) {
    this.totalChanges = c.db.prepare('SELECT total_changes()').pluck();
  }

  get(domainName: string, jobId: string, load: Loader): JobRecord | undefined {
    if (!this.usable()) return load(this.c, domainName, jobId);
    const key = `${domainName.length}:${domainName}${jobId}`;
    const hit = this.rows.get(key);
    if (hit !== undefined || this.rows.has(key)) return hit;
    const row = load(this.c, domainName, jobId);
    if (this.rows.size >= MAX_ENTRIES) this.rows.clear();
    this.rows.set(key, row && deepFreeze(row));
    return row;
  }

  /** The cached record of an existing job, or undefined (not cached, no such job, or the cache is not usable here). */
  peek(domainName: string, jobId: string): JobRecord | undefined {
    return this.usable() ? this.rows.get(`${domainName.length}:${domainName}${jobId}`) : undefined;
  }

  /** False where the cache is bypassed; otherwise empties it first when anything was written since it was filled. */
  private usable(): boolean {
    if (!isMainThread || this.c.db.inTransaction) return false;
    // Both read before the row: a write committed after this point bumps one of them for the next read.
    const version = storeWriteVersion();
    const changes = this.totalChanges.get() as number;
    if (version !== this.version || changes !== this.changes) {
      this.rows.clear();
      this.version = version;
      this.changes = changes;
    }
    return true;
  }
}

const caches = new WeakMap<SqliteContext, JobReadCache>();

/** The job read cache of a connection. */
export function jobReadCache(c: SqliteContext): JobReadCache {
  let cache = caches.get(c);
  if (!cache) caches.set(c, (cache = new JobReadCache(c)));
  return cache;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
