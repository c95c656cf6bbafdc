/**
 * Opening the SQLite file and the per-connection context every area module receives:
 * the `Database` handle, a prepared-statement cache (statements are prepared once per connection, not per call)
 * and the pagination-token codec.
 */
import Database from 'better-sqlite3';
import './native-lifetime.js'; // before any database is opened: see there (Node 24)
import type { Statement } from 'better-sqlite3';
import type { TokenCodec } from '../tokens.js';

export type Db = Database.Database;

export interface OpenOptions {
  /** Page cache per connection in KiB (negative cache_size); bulk loads of 1M rows need a large one. */
  cacheKiB?: number;
  readonly?: boolean;
  /** Resume domain deletions interrupted by a crash, in the background (default true; main thread only). */
  resumeDeletions?: boolean;
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  const db = new Database(file, { readonly: opts.readonly ?? false });
  // 16 KiB pages for new files (no effect on an existing one; must precede WAL, which fixes the page size):
  // profiles is WITHOUT ROWID, whose rows overflow beyond ~1/4 page, i.e. ~1 KB with 4 KiB pages — most profiles
  // did, wasting most of an overflow page each. 16 KiB pages keep rows up to ~4 KB inline.
  if (!opts.readonly) db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  db.pragma(`cache_size = -${opts.cacheKiB ?? 65536}`);
  db.pragma('temp_store = MEMORY');
  return db;
}

export class SqliteContext {
  private readonly cache = new Map<string, Statement>();
  constructor(readonly db: Db, readonly tokens: TokenCodec) {}

  /** A cached prepared statement for `sql` (prepared on first use on this connection). */
  stmt<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Statement<P, R> {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s as unknown as Statement<P, R>;
  }

  // One transaction function per connection, called with the work as its argument: db.transaction(fn) builds a new
  // wrapper with five variants at every call, which cost more than a short transaction's own statements.
  private runTx: ((fn: () => unknown) => unknown) & { immediate(fn: () => unknown): unknown } | undefined;

  /**
   * Process-wide count of transactions waiting for or holding the write lock on connections that set it (the API's;
   * shared with job worker threads, which let such writers in between their batches of merges instead of taking the
   * lock straight back: SQLite's busy wait polls, so a connection that re-locks at once would starve them).
   * Set by the jobs service (src/jobs/service.ts); undefined: not counted.
   */
  writeIntent: Int32Array | undefined;

  /** Runs fn in a transaction (a SAVEPOINT when already inside one, so area functions compose). */
  tx<T>(fn: () => T): T {
    this.runTx ??= this.db.transaction((f: () => unknown) => f());
    const intent = this.writeIntent;
    if (intent === undefined || this.db.inTransaction) return this.runTx.immediate(fn) as T;
    Atomics.add(intent, 0, 1);
    try {
      return this.runTx.immediate(fn) as T;
    } finally {
      Atomics.sub(intent, 0, 1);
    }
  }
}
