/**
 * Worker thread that owns a store connection and writes import batches (bulkUpsertProfiles), so that reading,
 * parsing and mapping on the calling thread overlap with SQLite on the other core, and an upload job never blocks
 * the server's event loop. Foreign-key checks are off on this connection only: bulkUpsertProfiles checks the
 * domain inside each batch's transaction, and the checks cost ~10% per row.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AwsError } from '../errors.js';
import { mapObject } from '../ops/object-mapping.js';
import { openSqliteStore } from '../store/index.js';
import type { BulkProfileRow, BulkUpsertOptions } from '../store/uploads.js';

export interface WriteRequest {
  id: number; domainName: string; rows: BulkProfileRow[]; options: BulkUpsertOptions; now: number;
  /** Object mode: objects of this type, applied one by one exactly as PutProfileObject does. */
  objectTypeName?: string;
  objects?: Array<{ line: number; object: string }>;
}
/** Index the predefined keys of the profiles written so far (key backlog) before replying. */
export interface IndexKeysRequest { id: number; indexKeys: true }
export type WriteReply =
  | { id: number; created: number; updated: number; rejected?: Array<{ line: number; reason: string }> }
  | { id: number; indexed: { keys: number } }
  | { id: number; error: { name: string; message: string; code?: string } };

/** Object mode: the object type's mapping (mapObject, shared with PutProfileObject) and putProfileObject per row. */
async function putObjects(msg: WriteRequest): Promise<WriteReply> {
  const type = await store.getObjectType(msg.domainName, msg.objectTypeName!);
  if (!type) throw new AwsError('ResourceNotFoundException', `Object type ${msg.objectTypeName} does not exist in domain ${msg.domainName}.`);
  let created = 0;
  let updated = 0;
  const rejected: Array<{ line: number; reason: string }> = [];
  for (const { line, object } of msg.objects ?? []) {
    try {
      const mapped = mapObject(type, object);
      const r = await store.putProfileObject(
        { domainName: msg.domainName, objectTypeName: type.objectTypeName, uniqueKey: mapped.uniqueKey, object, keys: mapped.keys, createdAt: msg.now },
        { ...mapped.write, source: type.objectTypeName, performedBy: msg.options.performedBy },
        msg.now,
        mapped.resolution,
      );
      if (r.created) created++;
      else updated++;
    } catch (e) {
      if (!(e instanceof AwsError) || e.status >= 500) throw e;
      rejected.push({ line, reason: e.message });
    }
  }
  return { id: msg.id, created, updated, rejected };
}

// A bulk load inserts unique keys (random values in real files) into a large B-tree: a larger page cache
// (COALESCE_IMPORT_CACHE_MB, default 128) keeps it in memory as the database grows; a checkpoint every ~32 MB of WAL
// (instead of 4 MB) writes hot pages once per checkpoint rather than once per batch.
const cacheMb = Number(process.env.COALESCE_IMPORT_CACHE_MB) || 128;
const { dataDir, keyBatch: keyBatchOption } = workerData as { dataDir: string; keyBatch?: number };
const store = openSqliteStore(dataDir, { cacheKiB: cacheMb * 1024 });
store.db.pragma('foreign_keys = OFF');
// Temporary data (the key backlog pass's sort, ~1 KB per profile) in unlinked temp files rather than in this
// process's memory: at a million profiles ~200 MB less peak RSS for the same CPU.
store.db.pragma('temp_store = FILE');
// wal_autocheckpoint counts pages: ~32 MB whatever the file's page size (4 KiB for files created before 16 KiB pages).
store.db.pragma(`wal_autocheckpoint = ${Math.round((32 << 20) / Number(store.db.pragma('page_size', { simple: true })))}`);

// Predefined keys of created profiles are deferred (key backlog, src/store/sqlite/key-backlog.ts) and indexed in key
// order every `keyBatch` created profiles (COALESCE_IMPORT_KEY_BATCH, else the sink's choice, else 100,000): fewer,
// larger passes write each key page less often, but a pass is one write transaction (seconds at a million
// profiles). Also when asked (end of an import), and at start for a backlog an interrupted import left (a failure
// there is retried by the import's final request).
const keyBatch = Number(process.env.COALESCE_IMPORT_KEY_BATCH) || keyBatchOption || 100_000;
let unindexed = 0;
if (await store.hasKeyBacklog()) await store.indexKeyBacklog().catch(() => {});

parentPort!.on('message', async (msg: WriteRequest | IndexKeysRequest | 'close') => {
  if (msg === 'close') {
    // Normally already done by the import's final indexKeys request; covers imports that ended by an error.
    await store.indexKeyBacklog().catch(() => {});
    await store.close();
    parentPort!.close();
    return;
  }
  try {
    if ('indexKeys' in msg) {
      unindexed = 0;
      parentPort!.postMessage({ id: msg.id, indexed: await store.indexKeyBacklog() } satisfies WriteReply);
      return;
    }
    if (msg.objectTypeName) {
      parentPort!.postMessage(await putObjects(msg));
      return;
    }
    const r = await store.bulkUpsertProfiles(msg.domainName, msg.rows, { ...msg.options, deferKeys: true }, msg.now);
    parentPort!.postMessage({ id: msg.id, created: r.created, updated: r.updated } satisfies WriteReply);
    // After the reply, so that the reading thread prepares the next batch meanwhile. A failure here leaves the
    // backlog for the import's final indexKeys request, which reports it.
    unindexed += r.created;
    if (unindexed >= keyBatch) {
      unindexed = 0;
      await store.indexKeyBacklog().catch(() => {});
    }
  } catch (e) {
    const err = e as Error & { code?: string };
    parentPort!.postMessage({ id: msg.id, error: { name: err.name, message: err.message, code: err.code } } satisfies WriteReply);
  }
});
