/** Worker-thread entry of a job: its own store connection, then runJob (src/jobs/runner.ts). */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { DB_FILE, openSqliteStore } from '../store/index.js';
import { DEFAULT_JOBS_CONFIG, type JobsConfig } from './config.js';
import { runJob } from './runner.js';
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
}

const d = workerData as JobWorkerData;
const store = openSqliteStore(d.dataDir);
// Checkpoints of this connection (MERGING's per-merge commits): see JobsConfig.walCheckpointPages.
store.db.pragma(`wal_autocheckpoint = ${d.config.walCheckpointPages ?? DEFAULT_JOBS_CONFIG.walCheckpointPages}`);
const flusher = walFlusher(`${join(d.dataDir, DB_FILE)}-wal`);
try {
  const job = await runJob(store, {
    domainName: d.domainName, jobId: d.jobId, mode: d.mode, config: d.config,
    sink: d.s3 ? s3Sink(d.s3) : localSink(d.dataDir),
    now: () => Date.now() + d.clockOffsetMs,
    log: (msg) => parentPort?.postMessage({ type: 'log', msg }),
    flushWal: () => flusher.flush(),
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
