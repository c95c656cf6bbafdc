/** Worker-thread entry of a job: its own store connection, then runJob (src/jobs/runner.ts). */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { DB_FILE, openSqliteStore } from '../store/index.js';
import { DEFAULT_JOBS_CONFIG, type JobsConfig } from './config.js';
import { exportCellsThread } from './export-cells.js';
import { mergePlannerThread } from './merge-planner.js';
import { runJob } from './runner.js';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';
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
const walFile = `${join(d.dataDir, DB_FILE)}-wal`;
/**
 * A WAL file at least 1/8 of the checkpoint threshold (32 MiB by default) when MERGING ends is checkpointed on a
 * thread of its own, overlapping the export; a smaller one inline. (The file keeps its largest size: an upper bound
 * of what is left to copy.)
 */
const backgroundCheckpointBytes = Math.max(1, (d.config.walCheckpointPages ?? DEFAULT_JOBS_CONFIG.walCheckpointPages)
  * Number(store.db.pragma('page_size', { simple: true })) / 8);
const flusher = walFlusher(walFile);
/** The checkpoint of MERGING's WAL when it ran on a thread of its own (overlapping the export). */
let lastCheckpoint: WalCheckpointer | undefined;
try {
  const job = await runJob(store, {
    domainName: d.domainName, jobId: d.jobId, mode: d.mode, config: d.config,
    sink: d.s3 ? s3Sink(d.s3) : localSink(d.dataDir),
    // The export cells on a thread of their own, while this one saves the key index and the groups.
    makeExportCells: exportCellsThread,
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
      // Checkpoint the merges' WAL before the API's connection (smaller threshold) gets its own back, so that it
      // does not inherit the backlog. A large one is copied on a thread of its own while the export runs; the API
      // is told MERGING ended once it is done (below).
      if (!active) {
        if (walSize() >= backgroundCheckpointBytes) {
          const bg = startWalCheckpointer(d.dataDir);
          if (bg.request()) {
            lastCheckpoint = bg;
            return;
          }
          void bg.close();
        }
        try { store.db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next checkpoint does it */ }
      }
      parentPort?.postMessage({ type: 'merging', active });
    },
  });
  parentPort?.postMessage({ type: 'done', status: job?.status });
} finally {
  if (lastCheckpoint) {
    const t = performance.now();
    await lastCheckpoint.idle();
    const waited = performance.now() - t;
    await lastCheckpoint.close();
    parentPort?.postMessage({ type: 'merging', active: false });
    parentPort?.postMessage({
      type: 'log', level: 'info',
      msg: `job ${d.jobId}: MERGING's WAL checkpointed on a background thread in ${lastCheckpoint.lastMs} ms (overlapping the export; waited ${Math.round(waited)} ms for it at the end)`,
    });
  }
  flusher.close();
  await store.close();
}

function walSize(): number {
  try {
    return statSync(walFile).size;
  } catch {
    return 0;
  }
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
