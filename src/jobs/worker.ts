/** Worker-thread entry of a job: its own store connection, then runJob (src/jobs/runner.ts). */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { DB_FILE, openSqliteStore } from '../store/index.js';
import { DEFAULT_JOBS_CONFIG, type JobsConfig } from './config.js';
import { mergePlannerThread } from './merge-planner.js';
import { runJob } from './runner.js';
import { startWalCheckpointer } from './wal-checkpointer.js';
import { localSink, s3Sink, type S3Settings } from './sinks.js';
import { walFlusher } from './wal-flusher.js';

export interface JobWorkerData {
  dataDir: string;
  domainName: string;
  jobId: string;
  mode: 'run' | 'resume';
  config: JobsConfig;
  s3?: S3Settings;
  /** The service's clock minus Date.now() when the job started (tests inject clocks). */
  clockOffsetMs: number;
  /** API transactions waiting for or holding the write lock (SqliteContext.writeIntent of the API's connection). */
  writeIntent?: Int32Array;
}

const d = workerData as JobWorkerData;
// A page cache of its own size: MERGING reads and rewrites B-tree pages all over a large file (JobsConfig.workerCacheMb).
const store = openSqliteStore(d.dataDir, { cacheKiB: (d.config.workerCacheMb ?? DEFAULT_JOBS_CONFIG.workerCacheMb) * 1024 });
// Checkpoints of this connection (MERGING's per-merge commits): see JobsConfig.walCheckpointPages.
store.db.pragma(`wal_autocheckpoint = ${d.config.walCheckpointPages ?? DEFAULT_JOBS_CONFIG.walCheckpointPages}`);
const flusher = walFlusher(`${join(d.dataDir, DB_FILE)}-wal`);
try {
  const job = await runJob(store, {
    domainName: d.domainName, jobId: d.jobId, mode: d.mode, config: d.config,
    sink: d.s3 ? s3Sink(d.s3) : localSink(d.dataDir),
    now: () => Date.now() + d.clockOffsetMs,
    log: (msg, level) => parentPort?.postMessage({ type: 'log', msg, level }),
    flushWal: () => flusher.flush(),
    yieldToWriters: d.writeIntent ? () => yieldToWriters(d.writeIntent!) : undefined,
    writersWaiting: d.writeIntent ? () => Atomics.load(d.writeIntent!, 0) > 0 : undefined,
    ...(!d.config.mergeWalRestart ? {} : {
      startWalCheckpointer: () => startWalCheckpointer(d.dataDir),
      restartWal: () => {
        try { store.db.pragma('wal_checkpoint(RESTART)'); } catch { /* busy: the next one */ }
      },
    }),
    startMergePlanner: d.config.mergePlanner === false ? undefined : mergePlannerThread({
      dataDir: d.dataDir, domainName: d.domainName, log: (msg, level) => parentPort?.postMessage({ type: 'log', msg, level }),
    }),
    onMerging: (active) => {
      // Checkpoint the merges' WAL here, so that no connection with a smaller threshold (the API's) inherits it.
      if (!active) {
        try { store.db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next checkpoint does it */ }
      }
      parentPort?.postMessage({ type: 'merging', active });
    },
  });
  parentPort?.postMessage({ type: 'done', status: job?.status });
} finally {
  flusher.close();
  await store.close();
}

/**
 * Before taking the write lock for the next merges: while API transactions wait for it (or hold it), step aside
 * (≤ 200 ms, so a steady stream of API writes cannot stall MERGING). SQLite's busy wait only polls, so without this
 * the worker would take the lock back before a waiting API writer's next poll.
 */
async function yieldToWriters(intent: Int32Array): Promise<void> {
  if (Atomics.load(intent, 0) === 0) return;
  const until = performance.now() + 200;
  while (Atomics.load(intent, 0) > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 1));
}
