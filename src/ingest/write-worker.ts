/**
 * Worker thread that owns a store connection and writes import batches (bulkUpsertProfiles), so that reading,
 * parsing and mapping on the calling thread overlap with SQLite on the other core, and an upload job never blocks
 * the server's event loop. Foreign-key checks are off on this connection only: bulkUpsertProfiles checks the
 * domain inside each batch's transaction, and the checks cost ~10% per row.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteStore } from '../store/index.js';
import type { BulkProfileRow, BulkUpsertOptions } from '../store/uploads.js';

export interface WriteRequest { id: number; domainName: string; rows: BulkProfileRow[]; options: BulkUpsertOptions; now: number }
export type WriteReply = { id: number; created: number; updated: number } | { id: number; error: { name: string; message: string; code?: string } };

// A bulk load inserts keys with random values all over the key B-trees: a larger page cache (COALESCE_IMPORT_CACHE_MB,
// default 128) keeps them in memory as the database grows; a checkpoint every ~32 MB of WAL (instead of 4 MB)
// writes hot pages once per checkpoint rather than once per batch.
const cacheMb = Number(process.env.COALESCE_IMPORT_CACHE_MB) || 128;
const store = openSqliteStore((workerData as { dataDir: string }).dataDir, { cacheKiB: cacheMb * 1024 });
store.db.pragma('foreign_keys = OFF');
store.db.pragma('wal_autocheckpoint = 8192');

parentPort!.on('message', async (msg: WriteRequest | 'close') => {
  if (msg === 'close') {
    await store.close();
    parentPort!.close();
    return;
  }
  try {
    const r = await store.bulkUpsertProfiles(msg.domainName, msg.rows, msg.options, msg.now);
    parentPort!.postMessage({ id: msg.id, created: r.created, updated: r.updated } satisfies WriteReply);
  } catch (e) {
    const err = e as Error & { code?: string };
    parentPort!.postMessage({ id: msg.id, error: { name: err.name, message: err.message, code: err.code } } satisfies WriteReply);
  }
});
