/** Opening the store: `openStore(dataDir)` → a Repository on `<dataDir>/coalesce.db`, migrated to the latest schema. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type { Repository } from './repository.js';
import { openDatabase, SqliteContext, type OpenOptions } from './sqlite/database.js';
import { runMigrations } from './sqlite/migrations/index.js';
import { SqliteStore } from './sqlite/store.js';
import { withStoreErrors } from './store-errors.js';
import { HmacTokenCodec } from './tokens.js';
import { reportCommittedWrites } from './write-version.js';

export const DB_FILE = 'coalesce.db';

export async function openStore(dataDir: string, opts: OpenOptions = {}): Promise<Repository> {
  return openSqliteStore(dataDir, opts);
}

/**
 * Same as openStore, typed as the SQLite implementation (for code that needs `store.context` / `store.db`).
 * Methods called on it translate SQLite conditions into AWS errors (see store-errors.ts).
 */
export function openSqliteStore(dataDir: string, opts: OpenOptions = {}): SqliteStore {
  mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(join(dataDir, DB_FILE), opts);
  try {
    runMigrations(db);
    const row = db.prepare("SELECT value FROM settings WHERE key = 'token_secret'").get() as { value: string };
    const store = new SqliteStore(new SqliteContext(db, new HmacTokenCodec(Buffer.from(row.value, 'hex'))));
    // Domain deletions interrupted by a crash continue in the background (main thread only: worker threads of
    // the same process share the work's outcome through the file).
    if (isMainThread && opts.resumeDeletions !== false) void store.resumeDomainDeletions().catch(() => {});
    // Committed writes bump the process-wide write version (read caches of other connections, write-version.ts).
    return withStoreErrors(reportCommittedWrites(store));
  } catch (err) {
    db.close();
    throw err;
  }
}

export type { Repository } from './repository.js';
export { SqliteStore } from './sqlite/store.js';
