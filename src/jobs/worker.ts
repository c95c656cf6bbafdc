/** Worker-thread entry of a job: its own store connection, then runJob (src/jobs/runner.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/index.js';
import type { JobsConfig } from './config.js';
import { runJob } from './runner.js';
import { localSink, s3Sink, type S3Settings } from './sinks.js';

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
const store = await openStore(d.dataDir);
try {
  const job = await runJob(store, {
    domainName: d.domainName, jobId: d.jobId, mode: d.mode, config: d.config,
    sink: d.s3 ? s3Sink(d.s3) : localSink(d.dataDir),
    now: () => Date.now() + d.clockOffsetMs,
    log: (msg) => parentPort?.postMessage({ type: 'log', msg }),
  });
  parentPort?.postMessage({ type: 'done', status: job?.status });
} finally {
  await store.close();
}
