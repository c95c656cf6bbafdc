/** Worker thread for job-cache.test.ts: updates a job's status through its own store connection, then exits. */
import { workerData } from 'node:worker_threads';
import { openSqliteStore } from '../../../src/store/index.js';

const { dataDir, domainName, jobId, status } = workerData as { dataDir: string; domainName: string; jobId: string; status: 'RUNNING' };
const store = openSqliteStore(dataDir);
await store.updateJob(domainName, jobId, { status, lastUpdatedAt: 2 });
await store.close();
