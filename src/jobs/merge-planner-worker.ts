/**
 * Planner thread of MERGING (docs/jobs.md, "Planning ahead"): on its own connection, reads the profiles of the groups
 * it is sent and prepares their merges (planGroup, conflict resolution, the main profile's new texts and key
 * changes), writing nothing. The job worker's writer applies them, checking each profile is still as read here.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { AutoMerging } from '../api/generated/types.js';
import { DB_FILE } from '../store/index.js';
import type { StoredMatchGroup } from '../store/jobs-results.js';
import { openDatabase, SqliteContext } from '../store/sqlite/database.js';
import { prepareJobGroups } from '../store/sqlite/job-results.js';
import { HmacTokenCodec } from '../store/tokens.js';
import { planGroup } from './planner.js';
import { threadCpuMs } from './thread-cpu.js';

export interface PlannerWorkerData { dataDir: string; domainName: string; settings: AutoMerging; cacheKiB: number }
export interface PlanRequest { id: number; groups: StoredMatchGroup[] }

const d = workerData as PlannerWorkerData;
// A read-only connection, opened without the store's migrations (they take the write lock, which MERGING holds).
const db = openDatabase(join(d.dataDir, DB_FILE), { readonly: true, cacheKiB: d.cacheKiB });
const c = new SqliteContext(db, new HmacTokenCodec(randomBytes(32)));
const byId = new Map<number, StoredMatchGroup>();

parentPort!.on('message', (msg: PlanRequest | 'close') => {
  if (msg === 'close') {
    parentPort!.postMessage({ id: -1, cpuMs: threadCpuMs() });
    db.close();
    parentPort!.close();
    return;
  }
  for (const g of msg.groups) byId.set(g.seq, g);
  try {
    const prepared = prepareJobGroups(c, d.domainName, msg.groups, (g, live) => planGroup(byId.get(g.seq)!, live, d.settings));
    parentPort!.postMessage({ id: msg.id, prepared });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: String((err as Error)?.message ?? err) });
  } finally {
    for (const g of msg.groups) byId.delete(g.seq);
  }
});
