/**
 * Planner thread of MERGING (docs/jobs.md, "Planning ahead"): on its own read-only connection, reads the profiles of
 * the groups it is sent and prepares their merges (planGroup, conflict resolution, the main profile's new texts and
 * key changes), writing nothing. The job worker's writer applies them, checking each profile is still as read here.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { workerData, type MessagePort } from 'node:worker_threads';
import type { AutoMerging } from '../api/generated/types.js';
import { DB_FILE } from '../store/index.js';
import type { PreparedGroup, StoredMatchGroup } from '../store/jobs-results.js';
import { openDatabase, SqliteContext } from '../store/sqlite/database.js';
import { prepareJobGroups } from '../store/sqlite/job-results.js';
import { HmacTokenCodec } from '../store/tokens.js';
import { planGroup } from './planner.js';
import { threadCpuMs } from './thread-cpu.js';

export interface PlannerWorkerData {
  dataDir: string; domainName: string; settings: AutoMerging; cacheKiB: number;
  /** Requests in, replies out. */
  port: MessagePort;
  /** Index of the group the writer is at: groups up to it are not planned any more (when adaptive). */
  progress: Int32Array;
  /** False: plan every group (the writer waits for each plan). */
  adaptive: boolean;
}
/** Groups `first`, `first + 1`, … of the writer's list. */
export interface PlanRequest { id: number; first: number; groups: StoredMatchGroup[] }
/** `prepared[i]` for the request's `groups[i]`; null: skipped (the writer had passed it). id -1: the thread's CPU. */
export interface PlannerReply {
  id: number; prepared?: Array<PreparedGroup | null>; error?: string;
  /** With id -1 (closing): the thread's CPU and its V8 heap size (MiB). */
  cpuMs?: number; heapMb?: number;
}

const d = workerData as PlannerWorkerData;
/** Groups planned per read transaction (the writer's position is checked between them). */
const SLICE = 32;
/** How far past the writer's position a planner that fell behind starts again. */
const LEAP = 64;
// A read-only connection, opened without the store's migrations (they take the write lock, which MERGING holds).
const db = openDatabase(join(d.dataDir, DB_FILE), { readonly: true, cacheKiB: d.cacheKiB });
const c = new SqliteContext(db, new HmacTokenCodec(randomBytes(32)));

d.port.on('message', (msg: PlanRequest | 'close') => {
  if (msg === 'close') {
    d.port.postMessage({
      id: -1, cpuMs: threadCpuMs(), heapMb: Math.round(getHeapStatistics().total_heap_size / 2 ** 20),
    } satisfies PlannerReply);
    db.close();
    d.port.close();
    return;
  }
  try {
    const prepared: Array<PreparedGroup | null> = [];
    for (let at = 0; at < msg.groups.length;) {
      // Groups the writer has passed are not planned (it planned them itself); when behind, start LEAP groups past
      // its position, so that what this thread plans arrives before the writer gets there.
      const progress = d.adaptive ? Atomics.load(d.progress, 0) : -1;
      const from = progress >= msg.first + at ? progress + LEAP - msg.first : at;
      if (from > at) {
        const to = Math.min(from, msg.groups.length);
        while (prepared.length < to) prepared.push(null);
        at = to;
        continue;
      }
      const todo = msg.groups.slice(at, at + SLICE);
      const byId = new Map(todo.map((g) => [g.seq, g]));
      prepared.push(...prepareJobGroups(c, d.domainName, todo, (g, live) => planGroup(byId.get(g.seq)!, live, d.settings)));
      at += todo.length;
    }
    d.port.postMessage({ id: msg.id, prepared } satisfies PlannerReply);
  } catch (err) {
    d.port.postMessage({ id: msg.id, error: String((err as Error)?.message ?? err) } satisfies PlannerReply);
  }
});
